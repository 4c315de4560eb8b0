#pragma once
// One event-loop thread: non-blocking sockets, edge-triggered epoll, one SSL_CTX of its own, and a share
// of the run's connections and request rate.
#include <atomic>
#include <chrono>
#include <mutex>

#include <openssl/ssl.h>

#include "loadgen/cert_pool.hpp"
#include "loadgen/options.hpp"
#include "loadgen/stats.hpp"

namespace certgate::bench {

using Clock = std::chrono::steady_clock;

// What the threads of one run share.
struct RunClock {
  Clock::time_point start;
  Clock::time_point measure_from;   // start + warm-up
  Clock::time_point measure_until;  // measure_from + duration (not used in idle mode)
  std::atomic<bool> stop{false};              // idle mode: the main thread ends the hold
  std::atomic<int> threads_settled{0};        // idle mode: threads whose connections are all up (or failed)
  std::mutex info_mutex;
  RunInfo info;  // TLS parameters, filled by the first handshake of any thread
  std::atomic<bool> info_set{false};
  ClientCertPool* cert_pool = nullptr;  // --cert-pool: the certificate of each new connection
};

// Runs until the measured window ends (idle: until `stop`), then closes every connection it opened.
Stats run_worker(const Options& options, RunClock& clock, SSL_CTX* ctx, int connections, double rate);

}  // namespace certgate::bench
