#include "server/h2_upstream_exchange.hpp"

#include <array>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "h2/request_head.hpp"
#include "h2/response_head.hpp"
#include "h2/upstream_session.hpp"
#include "http/upstream_request.hpp"
#include "server/h2_request.hpp"
#include "server/server.hpp"
#include "server/worker.hpp"
#include "tls/upstream_tls.hpp"

namespace certgate::server {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kQueuedLimit = 64 * 1024;

auto readable(net::TlsSocket& s) { return s.async_wait_readable(use_tuple); }
auto readable(net::PlainSocket& s) { return s.socket().async_wait(tcp::socket::wait_read, use_tuple); }

// The upstream's answer, handed to the client's stream as it comes.
class Relay final : public h2::UpstreamSession::Events {
 public:
  Relay(H2Connection& conn, H2Stream& st, http_log::AccessRecord& rec) : conn_(conn), st_(st), rec_(rec) {}
  void on_response(int status, h2::Fields&& fields) override {
    head_sent = true;
    rec_.status = status;
    rec_.upstream_status = status;
    conn_.session.submit_response(st_.id, status, h2::relayed_response_fields(std::move(fields)), true);
    conn_.wake();
  }
  void on_response_data(const std::uint8_t* data, std::size_t size) override {
    conn_.session.append_body(st_.id, std::string_view(reinterpret_cast<const char*>(data), size));
    rec_.bytes_sent += size;
    conn_.wake();
  }
  void on_response_trailers(h2::Fields&& fields) override { trailers = std::move(fields); }
  bool head_sent = false;
  h2::Fields trailers;

 private:
  H2Connection& conn_;
  H2Stream& st_;
  http_log::AccessRecord& rec_;
};

// The request head for the upstream: rendered as for HTTP/1.1, read back, and turned into HTTP/2 fields.
std::optional<h2::Fields> request_fields(ConnectionState& scs, const http::request_header<>& head,
                                         const h1::CheckedRequest& req, const ClientAddress& client,
                                         const http_log::AccessRecord& rec, bool tls) {
  std::string wire;
  h1::render_upstream_request(wire, req, head, scs.rt->header_rules, scs.identity_block, client.ip,
                              scs.rt->config.headers.request_id, rec.request_id, client.from_edge_field);
  http::request_parser<http::empty_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(wire.size() + 1));
  error_code ec;
  parser.put(asio::buffer(wire), ec);
  if (ec && ec != http::error::need_more) return std::nullopt;
  const bool te_trailers = boost::beast::iequals(head[http::field::te], "trailers");
  return h2::upstream_request_fields(parser.get().base(), tls ? "https" : "http", te_trailers);
}

template <class Upstream>
awaitable<AttemptResult> exchange(H2Connection& conn, H2Stream& st, ConnectionState& scs,
                                  const http::request_header<>& head, const h1::CheckedRequest& req,
                                  const ClientAddress& client, http_log::AccessRecord& rec,
                                  proxy::UpstreamConnection& up_conn, Upstream& up, const Chosen& to) {
  using namespace asio::experimental::awaitable_operators;
  const config::Limits& limits = scs.rt->config.limits;
  const std::string& label = to.server->label();
  AttemptResult out;  // an HTTP/2 upstream connection serves one stream and is not pooled
  auto refuse = [&](int status, std::string reason) { h2_respond_own(conn, st, scs, status, 0, std::move(reason), rec); };

  std::optional<h2::Fields> fields = request_fields(scs, head, req, client, rec, up_conn.tls() != nullptr);
  if (!fields) {
    refuse(500, "the upstream request head could not be rendered as HTTP/2");
    co_return out;
  }
  const bool has_body = req.framing != h1::Framing::none;
  Relay relay(conn, st, rec);
  h2::UpstreamSession session(*fields, has_body, static_cast<std::uint32_t>(limits.max_response_header_bytes), relay);
  const auto started = Clock::now();
  bool body_ended = !has_body;
  std::size_t unconsumed = 0;  // client body handed to the session, not yet acknowledged to the client
  std::string wire;
  std::array<std::uint8_t, 16 * 1024> in;
  std::string failure;
  for (;;) {
    if (has_body && !st.body.empty()) {
      session.append_body(st.body);
      unconsumed += st.body.size();
      st.body.clear();
    }
    if (!body_ended && st.ended) {
      std::optional<h2::Fields> trailers = h2::forwardable_trailers(st.trailers, scs.rt->header_rules);
      if (!trailers) {
        session.cancel();
        refuse(400, "malformed request trailers");
        co_return out;
      }
      session.end_body(*trailers);
      body_ended = true;
    }
    wire.clear();
    session.take_output(wire);
    if (!wire.empty()) {
      up_conn.deadline().expires_after(limits.upstream_response_timeout);
      auto [wec, wn] = co_await asio::async_write(up, asio::buffer(wire), use_tuple);
      if (wec) {
        failure = proxy::classify_upstream_error(wec, "while sending the request", label).reason;
        break;
      }
      conn.session.consume(st.id, unconsumed);
      unconsumed = 0;
      conn.wake();
    }
    if (session.finished()) break;
    if (st.closed) {
      rec.reason = "stream reset by the client: " + reset_reason(st.close_code);
      co_return out;
    }
    if (conn.session.queued_body(st.id) > kQueuedLimit) {
      // The client's side is full: the upstream waits (its socket is not read) until the client takes some.
      if (!co_await conn.drain(st, kQueuedLimit, limits.body_timeout)) {
        session.cancel();
        rec.reason = st.stalled ? "client took no response body for body_timeout (flow-control window held shut)"
                                : "stream reset during the response body: " + reset_reason(st.close_code);
        co_return out;
      }
      continue;
    }
    up_conn.deadline().expires_after(limits.upstream_response_timeout);
    auto woke = co_await (readable(up) || conn.wait(st, 2 * limits.upstream_response_timeout));
    if (woke.index() == 1) continue;  // the client's stream moved (body, end, reset) or a quiet spell: go round
    auto [ec] = std::get<0>(woke);
    if (ec == asio::error::operation_aborted && up_conn.deadline().expired()) ec = beast::error::timeout;
    if (ec) {
      failure = proxy::classify_upstream_error(ec, "while waiting for the response", label).reason;
      break;
    }
    auto [rec_ec, n] = co_await up.async_read_some(asio::buffer(in), use_tuple);
    if (n > 0 && !session.feed(in.data(), n)) {
      failure = "upstream " + label + ": " + session.error();
      break;
    }
    if (rec_ec && !session.finished()) {
      failure = proxy::classify_upstream_error(rec_ec, "while waiting for the response", label).reason;
      break;
    }
  }
  rec.upstream_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (session.finished() && session.complete()) {
    to.group->succeeded(to.index);
    conn.session.end_body(st.id, relay.trailers);
    conn.wake();
    co_return out;
  }
  if (failure.empty()) failure = "upstream " + label + ": " + session.error();
  count_exchange_error(scs, proxy::UpstreamError{502, failure}, to);
  if (relay.head_sent) {
    conn.session.reset(st.id, 0x2 /* INTERNAL_ERROR */);
    conn.wake();
    rec.reason = failure;
  } else {
    refuse(502, failure);
  }
  co_return out;
}

}  // namespace

awaitable<AttemptResult> exchange_with_h2_upstream(H2Connection& conn, H2Stream& st, ConnectionState& scs,
                                                   const http::request_header<>& head, const h1::CheckedRequest& req,
                                                   const ClientAddress& client, http_log::AccessRecord& rec,
                                                   proxy::UpstreamConnection& up_conn, const Chosen& to) {
  if (up_conn.tls()) {
    if (tls::selected_alpn(up_conn.tls()->native_handle()) != "h2") {
      const std::string why = "upstream " + to.server->label() + " did not select h2 with ALPN (protocol = \"h2\")";
      count_exchange_error(scs, proxy::UpstreamError{502, why}, to);
      h2_respond_own(conn, st, scs, 502, 0, why, rec);
      co_return AttemptResult{};
    }
    co_return co_await exchange(conn, st, scs, head, req, client, rec, up_conn, *up_conn.tls(), to);
  }
  co_return co_await exchange(conn, st, scs, head, req, client, rec, up_conn, *up_conn.plain(), to);
}

}  // namespace certgate::server
