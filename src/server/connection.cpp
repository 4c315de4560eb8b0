#include "server/connection.hpp"

#include <spdlog/spdlog.h>

#include "http/request_id.hpp"
#include "server/connection_decision.hpp"
#include "server/connection_metrics.hpp"
#include "server/connection_state.hpp"
#include "server/h2_connection.hpp"
#include "server/request.hpp"
#include "server/request_log.hpp"
#include "server/server.hpp"
#include "server/worker.hpp"

namespace certgate::server {
namespace {

// Keeps the process-wide connection count and the worker's drain registry right on every exit path.
class ConnectionGuard {
 public:
  ConnectionGuard(Worker* w, ConnectionSlot* slot) : w_(w), slot_(slot) {
    it_ = w_->connections().insert(w_->connections().end(), slot_);
  }
  ~ConnectionGuard() {
    w_->connections().erase(it_);
    w_->server().open_connections.fetch_sub(1);
  }

 private:
  Worker* w_;
  ConnectionSlot* slot_;
  std::list<ConnectionSlot*>::iterator it_;
};

std::string endpoint_text(const tcp::endpoint& ep) {
  auto addr = ep.address();
  if (addr.is_v6()) return "[" + addr.to_string() + "]:" + std::to_string(ep.port());
  return addr.to_string() + ":" + std::to_string(ep.port());
}

bool is_loopback(const asio::ip::address& a) {
  if (a.is_loopback()) return true;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback();
  return false;
}

// A handshake that failed. In reject = "handshake" mode that is where a refusal happens: logged like a request.
// (Kept out of serve_connection, whose coroutine frame lives as long as the connection.)
void log_failed_handshake(Worker& worker, const tcp::endpoint& peer, const tls::HandshakeOutcome& outcome,
                          const error_code& ec) {
  count_handshake(worker.metrics(), outcome, false);
  if (outcome.evaluated && !outcome.decision.lets_through()) {
    count_decision(worker.metrics(), outcome);
    worker.metrics().request(host_block_name(outcome), outcome.decision.status, outcome.decision.substatus);
    http_log::AccessRecord rec;
    rec.client = endpoint_text(peer);
    fill_decision(rec, outcome);
    rec.status = outcome.decision.status;
    rec.substatus = outcome.decision.substatus;
    rec.reason = outcome.decision.log_reason() + " (TLS handshake aborted)";
    rec.request_id = http_id::generate_request_id();  // never taken: no request was read
    worker.server().access_log().write(rec);
  } else {
    spdlog::debug("{}: TLS handshake failed: {}", endpoint_text(peer), ec.message());
  }
}

// HTTP/1.x: requests one after another on the connection, until one says it is the last.
awaitable<void> serve_http1(ConnectionState& cs, ConnectionSlot& slot) {
  for (;;) {
    if (cs.requests > 0 && cs.buffer->size() == 0) {
      // Wait for the next request: idle keep-alive time, which a drain may cut short. The first request's
      // head must arrive within header_timeout of the handshake, with no separate wait.
      // No buffer is held while idle: the wait is for readiness only.
      if (cs.worker->draining()) break;
      cs.buffer->shrink_to_fit();
      std::string().swap(*cs.head);  // (move-assigning an empty string would keep the capacity)
      cs.stream->release_buffers();
      slot.idle = true;
      cs.stream->deadline().expires_after(cs.rt->config.limits.idle_timeout);
      auto [wait_ec] = co_await cs.stream->async_wait_readable(use_tuple);
      slot.idle = false;
      if (wait_ec) break;
    }
    RequestParser parser;
    if (!co_await read_request_head(cs, parser)) break;
    if (!co_await serve_request(cs, parser)) break;
  }
}

}  // namespace

// g++ 12 at -O2 reports -Wmismatched-new-delete at the end of this coroutine once it awaits one more coroutine
// (complete_decision): a false positive, the frame is allocated and freed by Asio's awaitable_frame_base
// operator new / operator delete pair. Silenced for this function only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
awaitable<void> serve_connection(Worker* worker, std::shared_ptr<const Runtime> rt, tcp_socket socket) {
  ConnectionSlot slot;
  ConnectionGuard guard(worker, &slot);
  error_code ep_ec;
  tcp::endpoint peer = socket.remote_endpoint(ep_ec);
  socket.set_option(tcp::no_delay(true), ep_ec);

  tls::HandshakeOutcome outcome;
  net::TlsSocket stream(std::move(socket), rt->tls->new_ssl(&outcome), worker->deadlines(), true);
  slot.socket = &stream.socket();

  stream.deadline().expires_after(rt->config.limits.handshake_timeout);
  auto [hec] = co_await stream.async_handshake(use_tuple);
  if (hec) {
    log_failed_handshake(*worker, peer, outcome, hec);
    co_return;
  }
  rt->tls->finish(stream.native_handle(), outcome);
  count_handshake(worker->metrics(), outcome, true);

  beast::flat_buffer buffer;
  std::string head;
  ConnectionState cs;
  cs.worker = worker;
  cs.rt = std::move(rt);
  cs.stream = &stream;
  cs.buffer = &buffer;
  cs.outcome = &outcome;
  cs.head = &head;
  cs.client = endpoint_text(peer);
  cs.client_ip = peer.address().to_string();
  cs.loopback = is_loopback(peer.address());
  cs.accepted_at = ConnectionState::Clock::now();
  co_await complete_decision(cs);

  if (outcome.alpn == "h2") cs.linger = co_await serve_h2(cs, slot);
  else co_await serve_http1(cs, slot);

  if (!stream.socket().is_open()) co_return;
  if (cs.linger) {
    // The client may still be sending what certgate refused: let it read the answer first.
    stream.deadline().expires_after(std::chrono::seconds(2));
    co_await stream.async_linger_close(use_tuple);
    error_code ignored;
    stream.socket().close(ignored);
  } else {
    // TLS close_notify; a peer that just drops the connection (stream_truncated) is normal.
    stream.deadline().expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(use_tuple);
  }
}
#pragma GCC diagnostic pop

}  // namespace certgate::server
