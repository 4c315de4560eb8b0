#pragma once
// An upstream at run time ([upstream] or one [upstreams.NAME]): its servers, which one takes a request
// (core/upstream_choice.hpp), and each server's health.
//
// Health and the in-flight counts are shared by every worker (atomics, written under a per-server lock): a
// server one worker found refusing is skipped by all of them, least_conn sees the whole process's requests, and
// the active check runs once per server, not once per worker. The pools of idle connections stay per worker.
// A group belongs to one Runtime: a reload starts every server as up again.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/gateway_config.hpp"
#include "core/upstream_choice.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::proxy {

class UpstreamServerState {
 public:
  UpstreamServerState(const config::UpstreamConfig& upstream, const config::UpstreamServer& server);

  const config::UpstreamServer& server() const { return server_; }
  const std::string& label() const { return label_; }        // "host:port", "[::1]:port": logs, metrics, 502/504
  const std::string& pool_key() const { return pool_key_; }  // the worker's pool of this server's connections

  core::ServerHealth health() const;
  bool available(std::int64_t now) const { return core::server_available(health(), now); }
  // Returns true when the server was available before and is not now (worth a log line).
  bool failed(std::int64_t now, int max_fails, std::int64_t fail_timeout);
  // Returns true when the server was unavailable before (worth a log line).
  bool succeeded(std::int64_t now);
  // The active check's verdict; true when it changed.
  bool set_check(bool ok, std::int64_t now);
  // The server answered (a response head, a passing check, a connection /readyz opened) at `now`; the
  // latest such time, 0 = never. Stored at most once a second: every worker's responses land here.
  void reached(std::int64_t now);
  std::int64_t last_reached() const { return last_reached_.load(std::memory_order_relaxed); }

  std::atomic<std::uint32_t> active{0};  // requests in flight

 private:
  void store(const core::ServerHealth& h);

  config::UpstreamServer server_;
  std::string label_;
  std::string pool_key_;
  std::mutex write_;
  std::atomic<int> fails_{0};
  std::atomic<std::int64_t> down_until_{0};
  std::atomic<std::int64_t> last_failed_{0};
  std::atomic<bool> check_down_{false};
  std::atomic<std::int64_t> last_reached_{0};
};

class UpstreamGroup {
 public:
  // Builds the TLS context of an https upstream (throws tls::LoadError naming the CA file).
  explicit UpstreamGroup(config::UpstreamConfig config);

  const config::UpstreamConfig& config() const { return config_; }
  SSL_CTX* tls_ctx() const { return tls_ctx_.get(); }  // null for http
  std::size_t size() const { return servers_.size(); }
  UpstreamServerState& server(std::size_t i) const { return *servers_[i]; }

  // The server to try next, skipping those in `tried` (bit i = server i); nullopt once every one was tried.
  std::optional<std::size_t> choose(std::uint64_t tried) const;
  // A failed exchange or connection (logged when it takes the server down), a response head received.
  void failed(std::size_t i, const std::string& why) const;
  void succeeded(std::size_t i) const;

  static std::int64_t now();  // steady clock, nanoseconds

 private:
  config::UpstreamConfig config_;
  tls::SslCtxPtr tls_ctx_;
  std::vector<std::unique_ptr<UpstreamServerState>> servers_;
  mutable std::atomic<std::uint64_t> ticket_{0};
};

// Up to this many servers per upstream (the `tried` mask of a request).
constexpr std::size_t kMaxServers = 64;

}  // namespace certgate::proxy
