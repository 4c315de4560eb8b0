#include "server/read_head.hpp"

#include "http/request_id.hpp"
#include "server/own_response.hpp"
#include "server/request_log.hpp"
#include "server/server.hpp"
#include "server/worker.hpp"

namespace certgate::server {
namespace {

// A head that could not be read: what the client is told (a client that closed is told nothing).
awaitable<void> answer_unread_head(ConnectionState& cs, RequestParser& parser, error_code ec) {
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
    co_return;
  }
  http_log::AccessRecord rec = new_record(cs);
  rec.request_id = http_id::generate_request_id();  // never taken from a head that could not be read
  if (ec == beast::error::timeout) {
    co_await send_refusal(cs, 11, 408, 0, "request head not received within header_timeout", rec);
  } else if (ec == http::error::body_limit) {
    // Content-Length over max_body_bytes is known from the head alone (which is complete here).
    describe_request(rec, parser.get());
    co_await send_refusal(cs, parser.get().version(), 413, 0, "request body exceeds max_body_bytes", rec);
  } else if (ec == http::error::header_limit) {
    co_await send_refusal(cs, 11, 431, 0, "request head exceeds max_header_bytes", rec);
  } else {
    co_await send_refusal(cs, 11, 400, 0, "malformed request: " + ec.message(), rec);
  }
  write_log(cs, rec);
}

}  // namespace

awaitable<bool> read_request_head(ConnectionState& cs, RequestParser& parser) {
  const config::Limits& limits = cs.rt->config.limits;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  cs.stream->deadline().expires_after(limits.header_timeout);
  auto [ec, n] = co_await http::async_read_header(*cs.stream, *cs.buffer, parser, use_tuple);
  if (!ec) co_return true;
  co_await answer_unread_head(cs, parser, ec);
  co_return false;
}

}  // namespace certgate::server
