#include "server/own_response.hpp"

#include "http/client_response.hpp"
#include "http/status_text.hpp"

namespace certgate::server {

awaitable<void> send_refusal(ConnectionState& cs, unsigned version, int status, int substatus, std::string reason,
                             http_log::AccessRecord& rec) {
  const std::string body = http_status::refusal_body(status, substatus, reason, cs.detailed);
  const std::string wire = h1::render_own_response(status, version >= 11 ? 11 : 10, body);
  cs.stream->deadline().expires_after(cs.rt->config.limits.body_timeout);
  auto [ec, n] = co_await asio::async_write(*cs.stream, asio::buffer(wire), use_tuple);
  rec.status = status;
  rec.substatus = substatus;
  rec.reason = std::move(reason);
  rec.bytes_sent = ec ? 0 : body.size();
  cs.linger = true;
}

awaitable<bool> send_continue(ConnectionState& cs) {
  cs.stream->deadline().expires_after(cs.rt->config.limits.body_timeout);
  auto [ec, n] = co_await asio::async_write(*cs.stream, asio::buffer(h1::kContinue.data(), h1::kContinue.size()),
                                            use_tuple);
  co_return !ec;
}

}  // namespace certgate::server
