#pragma once
// The gateway process: N workers (one io_context and thread each) with SO_REUSEPORT listeners, signal
// handling (SIGTERM/SIGINT drain and exit 0, SIGHUP reload), the CRL watcher (rebuilds when a CRL file
// changes), the shared access log.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "http/access_log.hpp"
#include "metrics/metrics.hpp"
#include "net/net.hpp"
#include "server/crl_watch.hpp"
#include "server/runtime.hpp"

namespace certgate::server {

class Worker;

class Server {
 public:
  // reload: returns a fresh configuration for SIGHUP (throws ConfigError/LoadError to keep the current one).
  Server(std::shared_ptr<const Runtime> runtime, std::function<config::GatewayConfig()> reload = {});
  ~Server();

  // Binds every listener on every worker and starts the worker threads. Throws std::runtime_error naming
  // the address when a listener cannot be bound.
  void start();
  // Blocks until SIGTERM/SIGINT (or stop()), drains in-flight requests up to drain_timeout, stops. Returns 0.
  int wait();
  // Asks wait() to drain and return (any thread).
  void stop();

  std::shared_ptr<const Runtime> runtime() const;
  // The generation of runtime(), without its lock: a connection compares it before each request.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  http_log::AccessLog& access_log() { return *access_log_; }
  const std::vector<tcp::endpoint>& bound() const { return bound_; }

  std::atomic<std::size_t> open_connections{0};

  // Metrics and readiness (the admin listener). not_ready_reason(): "" once every listener is bound and until a drain
  // begins; otherwise why not.
  metrics::Metrics& metrics() { return metrics_; }
  // certgate_upstream_server_up of the current configuration's servers, before a scrape.
  void update_upstream_gauges();
  std::string not_ready_reason() const;

 private:
  void reload();
  // Rebuilds from the running configuration for CRL files that changed (the CRL watcher's thread).
  bool reload_crls(const std::vector<std::string>& changed);
  // Makes `fresh` the runtime new connections and the next request of each open one get. Under reload_mutex_.
  void install(std::shared_ptr<const Runtime> fresh);
  void bind_worker(Worker& w);

  std::mutex reload_mutex_;  // one rebuild at a time (SIGHUP and the CRL watcher), so generations only grow
  mutable std::mutex runtime_mutex_;
  std::shared_ptr<const Runtime> runtime_;
  std::function<config::GatewayConfig()> reload_fn_;
  std::unique_ptr<http_log::AccessLog> access_log_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<tcp::endpoint> bound_;
  asio::io_context signal_ioc_{1};
  asio::signal_set signals_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<std::uint64_t> generation_{0};
  metrics::Metrics metrics_;
  std::atomic<int> phase_{0};  // 0 = starting, 1 = serving, 2 = draining
  std::unique_ptr<CrlWatch> crl_watch_;  // last: stopped (by its destructor) before the rest goes
};

}  // namespace certgate::server
