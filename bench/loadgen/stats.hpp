#pragma once
// What one event-loop thread counted, merged into the run's report (text or JSON).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "loadgen/options.hpp"

namespace certgate::bench {

struct Stats {
  std::uint64_t requests = 0;            // answered with 200 inside the measured window
  std::uint64_t requests_total = 0;      // every complete answer, warm-up included
  std::uint64_t non_200 = 0;             // any time (warm-up included)
  std::uint64_t errors = 0;              // any time (warm-up included)
  std::uint64_t handshakes_full = 0;     // inside the measured window
  std::uint64_t handshakes_resumed = 0;  // inside the measured window
  std::uint64_t resume_misses = 0;       // a session was offered but the server did a full handshake
  std::uint64_t bytes_received = 0;      // response bodies inside the measured window
  std::uint64_t established = 0;         // idle: connections that got their answer
  std::uint64_t late_dispatches = 0;     // open loop: requests sent >1 ms after their scheduled time
  std::uint64_t h2_not_negotiated = 0;   // --http2: handshakes after which the server had not selected h2
  std::vector<std::uint32_t> latency_us; // per request inside the measured window
  std::map<int, std::uint64_t> statuses;
  std::map<std::string, std::uint64_t> error_kinds;

  void error(const std::string& kind) {
    ++errors;
    if (error_kinds.size() < 32 || error_kinds.count(kind)) ++error_kinds[kind];
  }
  void merge(Stats&& other);
};

struct RunInfo {
  double measured_s = 0;       // the measured window as it really was
  double establish_s = 0;      // idle: time until every connection was established
  double client_cpu_s = 0;     // this process's CPU time in the measured window
  std::string tls_version;     // negotiated by the first connection
  std::string cipher;
  std::string group;
  std::string alpn;            // the protocol ALPN selected on the first connection ("" when none)
  std::size_t client_certificates = 0;       // certificates in the pool (1 without --cert-pool, 0 without any)
  std::size_t client_certificates_used = 0;  // different certificates presented
};

// True when the run counts: no error, every answer 200, and something was measured.
bool run_counts(const Options& options, const Stats& stats);

std::string text_report(const Options& options, const Stats& stats, const RunInfo& info);
std::string json_report(const Options& options, const Stats& stats, const RunInfo& info);

}  // namespace certgate::bench
