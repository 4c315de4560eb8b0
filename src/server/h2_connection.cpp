#include "server/h2_connection.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <exception>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "server/connection_decision.hpp"
#include "server/h2_connection_state.hpp"
#include "server/h2_request.hpp"

namespace certgate::server {
namespace {

// Starts the coroutines of the streams whose heads arrived, under the connection's decision (taken again first
// when it is stale, as before an HTTP/1.1 request).
awaitable<void> start_streams(H2Connection& conn) {
  if (co_await refresh_decision(conn.cs)) conn.adopt_decision();
  std::vector<std::int32_t> ids;
  ids.swap(conn.starting);
  for (std::int32_t id : ids) {
    auto it = conn.streams.find(id);
    if (it == conn.streams.end()) continue;
    if (it->second->closed) {
      conn.streams.erase(it);
      continue;
    }
    ++conn.live;
    ++conn.cs.requests;
    H2Connection* c = &conn;
    asio::co_spawn(conn.wake_timer.get_executor(), serve_h2_stream(c, it->second.get()),
                   [c, id](std::exception_ptr e) {
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         spdlog::error("HTTP/2 stream {} of {}: {}", id, c->cs.client, ex.what());
                       }
                     }
                     c->finished(id);
                   });
  }
}

void consume_dropped(H2Connection& conn) {
  for (const auto& [id, n] : conn.dropped) conn.session.consume(id, n);
  conn.dropped.clear();
}

// Writes what the session has to send. False when the client cannot be written to.
awaitable<bool> flush(H2Connection& conn, std::string& out) {
  for (;;) {
    out.clear();
    conn.session.take_output(out);
    if (out.empty()) co_return true;
    conn.cs.stream->deadline().expires_after(conn.cs.rt->config.limits.body_timeout);
    auto [ec, n] = co_await asio::async_write(*conn.cs.stream, asio::buffer(out), use_tuple);
    if (ec) co_return false;
  }
}

// Reads what the client sent (a bounded amount, then the loop writes) into the session. False when the connection
// is over: the client closed it, or broke the protocol (the session then holds the GOAWAY).
bool read_available(H2Connection& conn) {
  // Read into a scratch area of the worker's thread (reads never wait here): an idle connection holds no buffer.
  static thread_local std::array<std::uint8_t, 16 * 1024> in;
  for (int i = 0; i < 8; ++i) {
    net::TlsStep step = conn.cs.stream->try_read(in.data(), in.size());
    if (step.bytes > 0 && !conn.session.feed(in.data(), step.bytes)) {
      spdlog::info("{}: HTTP/2 connection ended: {}", conn.cs.client, conn.session.failure());
      return false;
    }
    if (step.ec) return false;
    if (step.want != net::TlsStep::Want::nothing || step.bytes == 0) return true;
  }
  return true;
}

// Ends every stream still running and waits for their coroutines.
awaitable<void> end_streams(H2Connection& conn) {
  for (auto& [id, st] : conn.streams) conn.on_close(id, 0x8 /* CANCEL */, false);
  conn.starting.clear();
  while (conn.live > 0) {
    conn.wake_timer.expires_after(std::chrono::milliseconds(50));
    co_await conn.wake_timer.async_wait(use_tuple);
  }
}

}  // namespace

awaitable<bool> serve_h2(ConnectionState& cs, ConnectionSlot& slot) {
  using namespace asio::experimental::awaitable_operators;
  H2Connection conn(cs);
  std::string out;
  bool goaway = false;
  bool client_gone = false;
  const config::Limits& limits = cs.rt->config.limits;
  for (;;) {
    consume_dropped(conn);
    if (!conn.starting.empty()) co_await start_streams(conn);
    if (!goaway && (cs.worker->draining() || (cs.requests > 0 && last_request_on_connection(cs)))) {
      conn.session.stop_accepting();
      goaway = true;
    }
    conn.wake_pending = false;
    if (!co_await flush(conn, out)) {
      client_gone = true;
      break;
    }
    if (!conn.session.want_read() && conn.live == 0) break;
    if (conn.wake_pending) continue;

    // Wait for the client or a stream. With no stream open the connection is idle and holds no buffer.
    const bool idle = conn.live == 0 && conn.starting.empty();
    if (idle) {
      std::string().swap(out);
      cs.stream->release_buffers();
    }
    cs.stream->deadline().expires_after(idle && cs.requests == 0 ? limits.header_timeout : limits.idle_timeout);
    conn.wake_timer.expires_at(steady_timer::time_point::max());
    slot.idle = true;  // a drain cancels the wait: the loop then says GOAWAY
    auto woke = co_await (cs.stream->async_wait_readable(use_tuple) || conn.wake_timer.async_wait(use_tuple));
    slot.idle = false;
    if (woke.index() != 0) continue;  // a stream has something to send
    auto [ec] = std::get<0>(woke);
    if (ec == beast::error::timeout) {
      if (!idle) continue;
      conn.session.stop_accepting();
      goaway = true;
      co_await flush(conn, out);
      break;
    }
    if (ec == asio::error::operation_aborted) continue;  // a drain: GOAWAY on the next turn
    if (ec) {
      client_gone = true;
      break;
    }
    if (!read_available(conn)) {
      consume_dropped(conn);
      client_gone = !co_await flush(conn, out) || client_gone;
      break;
    }
  }
  co_await end_streams(conn);
  if (client_gone) co_return false;
  co_await flush(conn, out);
  co_return !conn.session.failure().empty();
}

}  // namespace certgate::server
