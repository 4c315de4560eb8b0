#include "proxy/upstream.hpp"

#include <poll.h>

#include <prometheus/gauge.h>

#include "tls/upstream_tls.hpp"

namespace certgate::proxy {

namespace {
// An idle keep-alive connection the upstream has closed becomes readable (EOF): never reuse it.
bool looks_alive(UpstreamConnection& c) {
  auto& sock = c.socket();
  if (!sock.is_open()) return false;
  pollfd p{sock.native_handle(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}
}  // namespace

void UpstreamPool::counted(long delta) {
  if (gauge_ == nullptr || delta == 0) return;
  if (delta > 0) gauge_->Increment(static_cast<double>(delta));
  else gauge_->Decrement(static_cast<double>(-delta));
}

void UpstreamPool::drop_other_generations(std::uint64_t generation) {
  const std::size_t before = idle_.size();
  std::erase_if(idle_, [&](const std::unique_ptr<UpstreamConnection>& c) { return c->generation != generation; });
  counted(-static_cast<long>(before - idle_.size()));
}

std::unique_ptr<UpstreamConnection> UpstreamPool::take(std::uint64_t generation, bool probe) {
  auto now = std::chrono::steady_clock::now();
  while (!idle_.empty()) {
    std::unique_ptr<UpstreamConnection> c = std::move(idle_.back());
    idle_.pop_back();
    counted(-1);
    if (c->generation != generation) continue;
    if (now - c->idle_since > std::chrono::seconds(30)) continue;
    if (!c->socket().is_open() || (probe && !looks_alive(*c))) continue;
    c->reused = true;
    return c;
  }
  return nullptr;
}

void UpstreamPool::give_back(std::unique_ptr<UpstreamConnection> conn, std::size_t max_idle) {
  if (max_idle == 0) return;
  conn->idle_since = std::chrono::steady_clock::now();
  conn->deadline().expires_never();
  idle_.push_back(std::move(conn));
  counted(1);
  while (idle_.size() > max_idle) {
    idle_.pop_front();
    counted(-1);
  }
}

UpstreamError classify_upstream_error(const error_code& ec, const char* during, std::string_view server) {
  UpstreamError e;
  const std::string who = "upstream " + std::string(server);
  if (ec == beast::error::timeout) {
    e.status = 504;
    e.kind = UpstreamError::Kind::timeout;
    e.reason = who + " timed out " + during;
  } else if (ec == asio::error::connection_refused) {
    e.kind = UpstreamError::Kind::refused;
    e.reason = who + " refused the connection";
  } else if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
    e.kind = UpstreamError::Kind::reset;
    e.reason = who + " reset the connection " + during;
  } else if (ec == http::error::end_of_stream || ec == asio::error::eof) {
    e.kind = UpstreamError::Kind::reset;
    e.reason = who + " closed the connection " + during;
  } else {
    e.reason = who + " error " + during + ": " + ec.message();
  }
  return e;
}

awaitable<std::unique_ptr<UpstreamConnection>> connect_upstream(UpstreamTarget target, UpstreamError* err) {
  auto ex = co_await asio::this_coro::executor;
  const config::UpstreamConfig& cfg = *target.config;
  const config::UpstreamServer& server = *target.server;

  tcp_resolver resolver(ex);
  auto [rec, results] = co_await resolver.async_resolve(server.host, std::to_string(server.port), use_tuple);
  if (rec) {
    *err = UpstreamError{502, "cannot resolve upstream host " + server.host + ": " + rec.message()};
    co_return nullptr;
  }
  // Each resolved address in turn, all within one connect_timeout.
  auto plain = std::make_unique<PlainSocket>(tcp_socket(ex), *target.deadlines);
  plain->deadline().expires_after(target.connect_timeout);
  error_code cec = asio::error::host_not_found;
  for (const auto& entry : results) {
    error_code ignored;
    plain->socket().close(ignored);
    plain->socket().open(entry.endpoint().protocol(), cec);
    if (cec) continue;
    std::tie(cec) = co_await plain->async_connect(entry.endpoint(), use_tuple);
    if (!cec || cec == beast::error::timeout) break;
  }
  if (cec) {
    *err = classify_upstream_error(cec, "while connecting", *target.label);
    co_return nullptr;
  }
  plain->socket().set_option(tcp::no_delay(true), cec);
  std::unique_ptr<UpstreamConnection> conn;
  if (!target.tls_ctx) {
    plain->deadline().expires_never();
    conn = std::make_unique<UpstreamConnection>(std::move(plain));
  } else {
    auto tls = std::make_unique<TlsSocket>(std::move(plain->socket()), tls::new_upstream_ssl(target.tls_ctx, cfg, server.host),
                                           *target.deadlines, false);
    plain.reset();
    tls->deadline().expires_after(target.connect_timeout);
    auto [hec] = co_await tls->async_handshake(use_tuple);
    if (hec) {
      *err = hec == beast::error::timeout
                 ? classify_upstream_error(hec, "during the TLS handshake", *target.label)
                 : UpstreamError{502, "upstream " + *target.label + " TLS handshake failed: " + hec.message()};
      co_return nullptr;
    }
    tls->deadline().expires_never();
    conn = std::make_unique<UpstreamConnection>(std::move(tls));
  }
  conn->generation = target.generation;
  co_return conn;
}

}  // namespace certgate::proxy
