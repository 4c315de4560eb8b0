#pragma once
// A worker: one thread, one io_context, its own SO_REUSEPORT listeners and upstream pool.
#include <list>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/deadline.hpp"
#include "metrics/metrics.hpp"
#include "net/net.hpp"
#include "proxy/upstream.hpp"

namespace certgate::server {

class Server;

// A live client connection, as the drain on shutdown sees it.
struct ConnectionSlot {
  tcp_socket* socket = nullptr;
  bool idle = false;  // waiting for the next request: safe to close when draining
};

class Worker {
 public:
  Worker(Server& server, int index, metrics::Metrics& metrics)
      : server_(server), index_(index), metrics_(metrics), ioc_(std::make_unique<asio::io_context>(1)),
        deadlines_(std::make_unique<net::DeadlineWatch>(*ioc_)) {}
  // Order matters: listeners and pooled upstream sockets go first, then the io_context (whose destruction
  // ends suspended sessions, which still unregister from connections_ and from the deadline watch).
  ~Worker() {
    acceptors_.clear();
    for (auto& [key, pool] : pools_) pool.clear();
    deadlines_->stop();
    ioc_.reset();
    deadlines_.reset();
  }
  asio::io_context& ioc() { return *ioc_; }
  Server& server() { return server_; }
  int index() const { return index_; }
  // The pool of one server's idle connections (UpstreamServerState::pool_key); `idle` is its gauge.
  proxy::UpstreamPool& pool(const std::string& key, prometheus::Gauge* idle) {
    auto it = pools_.find(key);
    if (it == pools_.end()) it = pools_.try_emplace(key, 32, idle).first;
    return it->second;
  }
  // Once per configuration generation: idle connections opened under an older one are closed.
  void sweep_pools(std::uint64_t generation) {
    if (generation == pools_generation_) return;
    pools_generation_ = generation;
    for (auto& [key, pool] : pools_) pool.drop_other_generations(generation);
  }
  net::DeadlineWatch& deadlines() { return *deadlines_; }
  metrics::WorkerMetrics& metrics() { return metrics_; }

  std::list<ConnectionSlot*>& connections() { return connections_; }
  std::vector<std::unique_ptr<tcp_acceptor>>& acceptors() { return acceptors_; }
  bool draining() const { return draining_; }
  // Runs on the worker's thread: stop accepting, close idle keep-alive connections.
  void begin_drain();

  std::thread thread;

 private:
  Server& server_;
  int index_;
  metrics::WorkerMetrics metrics_;
  std::list<ConnectionSlot*> connections_;
  std::unique_ptr<asio::io_context> ioc_;
  std::unique_ptr<net::DeadlineWatch> deadlines_;
  std::map<std::string, proxy::UpstreamPool, std::less<>> pools_;
  std::uint64_t pools_generation_ = 0;
  std::vector<std::unique_ptr<tcp_acceptor>> acceptors_;
  bool draining_ = false;
};

}  // namespace certgate::server
