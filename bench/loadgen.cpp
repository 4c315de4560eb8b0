// loadgen: the load generator of `make bench`. It drives an HTTPS server on this machine with mTLS
// connections (a client certificate on every handshake) from one or a few epoll threads, over HTTP/1.1 or,
// with --http2, HTTP/2 (nghttp2 client sessions, several streams per connection), so that one core
// of load saturates one core of server, and reports throughput, handshakes, latency percentiles and errors.
// A run counts only if it had no error and every answer was 200 (exit status 0); otherwise it exits 1.
#include <sys/resource.h>
#include <sys/time.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <openssl/ssl.h>

#include "loadgen/client_tls.hpp"
#include "loadgen/h2_worker.hpp"
#include "loadgen/options.hpp"
#include "loadgen/stats.hpp"
#include "loadgen/worker.hpp"

namespace {

using namespace certgate::bench;

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Enough descriptors for every connection (idle mode holds thousands).
void raise_descriptor_limit(int connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(connections) + 64;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= wanted ? wanted : limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

std::chrono::nanoseconds seconds(double s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
}

// Idle mode: waits until every thread has its connections up (or failed), holds them, then stops the threads.
void supervise_idle(const Options& options, RunClock& clock, RunInfo& info) {
  const auto deadline = clock.start + seconds(options.timeout_s * 3 + options.connections / 100.0);
  while (clock.threads_settled.load() < options.threads && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const Clock::time_point established = Clock::now();
  info.establish_s = std::chrono::duration<double>(established - clock.start).count();
  if (!options.ready_file.empty()) {
    std::ofstream(options.ready_file) << "ready\n";
  }
  std::fprintf(stderr, "loadgen: connections established after %.2f s; holding them %.1f s\n", info.establish_s,
               options.hold_s);
  const double cpu_before = process_cpu_seconds();
  std::this_thread::sleep_until(established + seconds(options.hold_s));
  info.client_cpu_s = process_cpu_seconds() - cpu_before;
  info.measured_s = options.hold_s;
  clock.stop.store(true);
}

void supervise_timed(const Options& options, RunClock& clock, RunInfo& info) {
  std::this_thread::sleep_until(clock.measure_from);
  const double cpu_before = process_cpu_seconds();
  std::this_thread::sleep_until(clock.measure_until);
  info.client_cpu_s = process_cpu_seconds() - cpu_before;
  info.measured_s = options.duration_s;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  int exit_code = 0;
  if (!parse_options(argc, argv, options, exit_code)) return exit_code;
  std::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit(options.connections);

  std::vector<SSL_CTX*> contexts;
  for (int t = 0; t < options.threads; ++t) {
    std::string error;
    SSL_CTX* ctx = make_client_context(options, error);
    if (ctx == nullptr) {
      std::fprintf(stderr, "loadgen: %s\n", error.c_str());
      for (SSL_CTX* c : contexts) SSL_CTX_free(c);
      return 2;
    }
    contexts.push_back(ctx);
  }

  ClientCertPool pool;
  if (!options.cert_pool.empty()) {
    std::string error;
    if (!pool.load(options.cert_pool, options.key, error)) {
      std::fprintf(stderr, "loadgen: %s\n", error.c_str());
      for (SSL_CTX* c : contexts) SSL_CTX_free(c);
      return 2;
    }
  }

  RunClock clock;
  if (pool.size() > 0) clock.cert_pool = &pool;
  clock.start = Clock::now();
  clock.measure_from = clock.start + seconds(options.warmup_s);
  clock.measure_until = clock.measure_from + seconds(options.duration_s);

  std::vector<Stats> results(static_cast<std::size_t>(options.threads));
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) {
    // Connections and rate are split evenly; the first threads take the remainder.
    const int share = options.connections / options.threads + (t < options.connections % options.threads ? 1 : 0);
    const double rate = options.rate / options.threads;
    threads.emplace_back([&, t, share, rate] {
      SSL_CTX* ctx = contexts[static_cast<std::size_t>(t)];
      results[static_cast<std::size_t>(t)] =
          options.http2 ? run_h2_worker(options, clock, ctx, share) : run_worker(options, clock, ctx, share, rate);
    });
  }

  RunInfo info;
  if (options.mode == Mode::idle) {
    supervise_idle(options, clock, info);
  } else {
    supervise_timed(options, clock, info);
  }
  for (std::thread& t : threads) t.join();
  for (SSL_CTX* c : contexts) SSL_CTX_free(c);

  Stats total;
  for (Stats& s : results) total.merge(std::move(s));
  {
    std::lock_guard<std::mutex> lock(clock.info_mutex);
    info.tls_version = clock.info.tls_version;
    info.cipher = clock.info.cipher;
    info.group = clock.info.group;
    info.alpn = clock.info.alpn;
  }
  info.client_certificates = pool.size() > 0 ? pool.size() : (options.cert.empty() ? 0 : 1);
  info.client_certificates_used = pool.size() > 0 ? pool.distinct_used() : info.client_certificates;
  const std::string report = options.json ? json_report(options, total, info) : text_report(options, total, info);
  std::fputs(report.c_str(), stdout);
  if (options.json && !run_counts(options, total)) {
    std::fprintf(stderr, "loadgen: the run does not count (%llu error(s), %llu non-200 answer(s))\n",
                 static_cast<unsigned long long>(total.errors), static_cast<unsigned long long>(total.non_200));
  }
  return run_counts(options, total) ? 0 : 1;
}
