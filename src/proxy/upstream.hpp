#pragma once
// Connections to the upstream: plain TCP or TLS, kept alive in a per-worker pool.
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "config/gateway_config.hpp"
#include "net/net.hpp"
#include "net/plain_socket.hpp"
#include "net/tls_socket.hpp"
#include "tls/openssl_ptr.hpp"

namespace prometheus {
class Gauge;
}

namespace certgate::proxy {

using net::PlainSocket;
using net::TlsSocket;

class UpstreamConnection {
 public:
  // A response head and a small body arrive in one read.
  static constexpr std::size_t kInitialBuffer = 4096;
  explicit UpstreamConnection(std::unique_ptr<PlainSocket> plain) : plain_(std::move(plain)) {
    buffer_.reserve(kInitialBuffer);
  }
  explicit UpstreamConnection(std::unique_ptr<TlsSocket> tls) : tls_(std::move(tls)) { buffer_.reserve(kInitialBuffer); }
  tcp_socket& socket() { return tls_ ? tls_->socket() : plain_->socket(); }
  net::Deadline& deadline() { return tls_ ? tls_->deadline() : plain_->deadline(); }
  TlsSocket* tls() { return tls_.get(); }
  PlainSocket* plain() { return plain_.get(); }
  beast::flat_buffer& buffer() { return buffer_; }

  bool reused = false;
  std::uint64_t generation = 0;
  std::chrono::steady_clock::time_point idle_since;

 private:
  std::unique_ptr<PlainSocket> plain_;
  std::unique_ptr<TlsSocket> tls_;
  beast::flat_buffer buffer_;
};

// Why an upstream exchange failed, as the client will see it.
struct UpstreamError {
  enum class Kind { refused, reset, timeout, other };  // for the metrics: reset includes a premature close
  int status = 502;  // 502 refused/reset/protocol, 504 timeout
  std::string reason;
  Kind kind = Kind::other;
};

struct UpstreamTarget {
  const config::UpstreamConfig* config;  // TLS settings (ca, verify, server_name)
  const config::UpstreamServer* server;  // where to connect
  const std::string* label;              // the server as errors name it ("host:port")
  SSL_CTX* tls_ctx;  // null for http://
  std::uint64_t generation;
  config::Millis connect_timeout;
  net::DeadlineWatch* deadlines;  // the worker's
};

// Per-worker keep-alive pool of one server (single-threaded: used only from its worker's io_context). `idle`, when
// set, is the process-wide gauge of this server's idle connections: every pool of it, in every worker, adds to it.
class UpstreamPool {
 public:
  explicit UpstreamPool(std::size_t max_idle = 32, prometheus::Gauge* idle = nullptr) : max_idle_(max_idle), gauge_(idle) {}
  // An idle connection of this generation, or null. probe: only one that still looks alive (a system call);
  // without it a connection the upstream closed meanwhile is found out by the exchange, which retries a
  // request that had no body on a new connection.
  std::unique_ptr<UpstreamConnection> take(std::uint64_t generation, bool probe);
  void give_back(std::unique_ptr<UpstreamConnection> conn, std::size_t max_idle);
  // Drops every connection of another generation (a reload happened).
  void drop_other_generations(std::uint64_t generation);
  std::size_t idle() const { return idle_.size(); }
  // At exit: closes every connection without touching the gauge (the metrics may be gone by then).
  void clear() { idle_.clear(); }

 private:
  void counted(long delta);
  std::size_t max_idle_;
  prometheus::Gauge* gauge_;
  std::deque<std::unique_ptr<UpstreamConnection>> idle_;
};

// Resolves, connects (within connect_timeout) and, for https, handshakes. On failure returns null and fills err.
awaitable<std::unique_ptr<UpstreamConnection>> connect_upstream(UpstreamTarget target, UpstreamError* err);

// 502 or 504 with a readable reason naming the server ("upstream 10.0.0.1:8080 timed out ..."), from a failed
// read/write/connect.
UpstreamError classify_upstream_error(const error_code& ec, const char* during, std::string_view server);

}  // namespace certgate::proxy
