#pragma once
// The process's Prometheus metrics (docs/metrics.md): one registry, every family created up front.
//
// The hot path stays an atomic add: a worker resolves a label set once (Family::Add takes the family's lock)
// and keeps the child in its WorkerMetrics cache, keyed by the host block and mapping names it already holds,
// so no label string is built per request. The open-connections gauge is set when scraped.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/time_limit.hpp"

namespace certgate::metrics {

enum class UpstreamError { refused, reset, timeout, other };
std::string_view to_string(UpstreamError e);

class Metrics {
 public:
  Metrics();

  prometheus::Family<prometheus::Counter>& requests() { return requests_; }
  prometheus::Family<prometheus::Counter>& decisions() { return decisions_; }
  prometheus::Family<prometheus::Counter>& would_refuse() { return would_refuse_; }
  prometheus::Family<prometheus::Counter>& verify_failures() { return verify_failures_; }
  prometheus::Family<prometheus::Counter>& upstream_errors() { return upstream_errors_; }
  prometheus::Family<prometheus::Counter>& upstream_server_errors() { return upstream_server_errors_; }
  prometheus::Family<prometheus::Gauge>& upstream_idle() { return upstream_idle_; }
  prometheus::Family<prometheus::Gauge>& upstream_up() { return upstream_up_; }
  prometheus::Family<prometheus::Counter>& ocsp_lookups() { return ocsp_lookups_; }
  prometheus::Counter& handshakes_full() { return *handshakes_full_; }
  prometheus::Counter& handshakes_resumed() { return *handshakes_resumed_; }
  prometheus::Counter& handshake_failures() { return *handshake_failures_; }
  prometheus::Counter& chain_cache_hits() { return *chain_cache_hits_; }
  prometheus::Counter& chain_cache_misses() { return *chain_cache_misses_; }
  prometheus::Histogram& upstream_response_seconds() { return *upstream_response_seconds_; }

  void reload_succeeded(double unix_seconds);
  void reload_failed();
  // A rebuild for changed CRL files (server/crl_watch.hpp): took effect, or refused (the running CRLs kept).
  void crl_reload_succeeded() { crl_reloads_ok_->Increment(); }
  void crl_reload_failed() { crl_reloads_failed_->Increment(); }
  // The running configuration's certificates and CRLs, for the expiry gauges (replaced at every swap).
  void set_time_limits(std::vector<core::TimeLimit> limits);
  // The configuration the process started with took effect.
  void set_loaded(double unix_seconds);

  // The text exposition format (version 0.0.4), with the state gauges set from the arguments first.
  std::string scrape(double open_connections);
  // The same at a given time (Unix seconds), which the expiry gauges count from.
  std::string scrape(double open_connections, std::int64_t now);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Family<prometheus::Counter>& would_refuse_;
  prometheus::Family<prometheus::Counter>& verify_failures_;
  prometheus::Family<prometheus::Counter>& upstream_errors_;
  prometheus::Family<prometheus::Counter>& upstream_server_errors_;
  prometheus::Family<prometheus::Gauge>& upstream_idle_;
  prometheus::Family<prometheus::Gauge>& upstream_up_;
  prometheus::Family<prometheus::Counter>& ocsp_lookups_;
  prometheus::Family<prometheus::Counter>& handshakes_;
  prometheus::Family<prometheus::Counter>& chain_cache_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Counter* handshakes_full_;
  prometheus::Counter* handshakes_resumed_;
  prometheus::Counter* handshake_failures_;
  prometheus::Counter* chain_cache_hits_;
  prometheus::Counter* chain_cache_misses_;
  prometheus::Counter* reloads_ok_;
  prometheus::Counter* reloads_failed_;
  prometheus::Counter* crl_reloads_ok_;
  prometheus::Counter* crl_reloads_failed_;
  std::mutex limits_mutex_;
  std::vector<core::TimeLimit> time_limits_;
  prometheus::Gauge* last_reload_;
  prometheus::Gauge* open_connections_;
  prometheus::Histogram* upstream_response_seconds_;
  std::mutex scrape_mutex_;
};

// The children of one upstream server (labels upstream, server), shared by every worker.
struct UpstreamServerMetrics {
  prometheus::Gauge* idle = nullptr;                // idle pooled connections, every worker's
  std::array<prometheus::Counter*, 4> errors{};     // by UpstreamError
};

// One worker's resolved label children. Used by that worker's thread only.
class WorkerMetrics {
 public:
  explicit WorkerMetrics(Metrics& m) : m_(m) {}
  Metrics& all() { return m_; }

  void request(std::string_view host_block, int status, int substatus);
  void decision(std::string_view host_block, std::string_view mapping, bool admitted);
  // Report-only: a request let through that the decision refuses (its status and substatus).
  void would_refuse(std::string_view host_block, int status, int substatus);
  void verify_failure(std::string_view reason);
  void upstream_error(UpstreamError e);
  // Resolved once per server (the key is the server's pool key, unique per upstream and server).
  UpstreamServerMetrics& upstream_server(const std::string& key, const std::string& upstream, const std::string& server);
  // One certificate's OCSP status: result good / revoked / unknown / error, from the block's cache or a responder.
  void ocsp_lookup(std::string_view result, bool cached);

 private:
  Metrics& m_;
  // host block -> (status * 1000 + substatus) -> counter
  std::map<std::string, std::map<int, prometheus::Counter*>, std::less<>> requests_;
  std::map<std::string, std::map<int, prometheus::Counter*>, std::less<>> would_refuse_;  // as requests_
  // host block -> mapping -> [refused, admitted]
  std::map<std::string, std::map<std::string, std::array<prometheus::Counter*, 2>, std::less<>>, std::less<>> decisions_;
  std::map<std::string, prometheus::Counter*, std::less<>> verify_failures_;
  std::array<prometheus::Counter*, 4> upstream_errors_{};
  std::map<std::string, UpstreamServerMetrics, std::less<>> upstream_servers_;
  std::map<std::string, prometheus::Counter*, std::less<>> ocsp_lookups_;  // "result/source"
};

}  // namespace certgate::metrics
