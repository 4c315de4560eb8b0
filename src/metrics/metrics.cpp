#include "metrics/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <ctime>
#include <sstream>

#include "metrics/expiry_gauges.hpp"

namespace certgate::metrics {

std::string_view to_string(UpstreamError e) {
  switch (e) {
    case UpstreamError::refused: return "refused";
    case UpstreamError::reset: return "reset";
    case UpstreamError::timeout: return "timeout";
    case UpstreamError::other: return "other";
  }
  return "other";
}

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// Upstream response time, first byte of the response head after the request went out: 1 ms to 60 s.
const prometheus::Histogram::BucketBoundaries response_buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                  0.25,  0.5,    1,     2.5,  5,     10,   30, 60};

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(BuildCounter()
                    .Name("certgate_requests_total")
                    .Help("Requests answered (and refusals at the TLS handshake), by status, substatus and host block")
                    .Register(*registry_)),
      decisions_(BuildCounter()
                     .Name("certgate_decisions_total")
                     .Help("Admission decisions applied to a connection, by host block, mapping and result")
                     .Register(*registry_)),
      would_refuse_(BuildCounter()
                        .Name("certgate_would_refuse_total")
                        .Help("Requests a report-only host block (enforce = false) let through that its decision "
                              "refuses, by the status and substatus they would have had, and host block")
                        .Register(*registry_)),
      verify_failures_(BuildCounter()
                           .Name("certgate_verify_failures_total")
                           .Help("Client chains that failed verification, by reason")
                           .Register(*registry_)),
      upstream_errors_(BuildCounter()
                           .Name("certgate_upstream_errors_total")
                           .Help("Failed upstream exchanges, by kind")
                           .Register(*registry_)),
      upstream_server_errors_(BuildCounter()
                                  .Name("certgate_upstream_server_errors_total")
                                  .Help("Failed upstream exchanges and connections, by upstream, server and kind")
                                  .Register(*registry_)),
      upstream_idle_(BuildGauge()
                         .Name("certgate_upstream_idle_connections")
                         .Help("Idle keep-alive connections pooled for reuse, by upstream and server (all workers)")
                         .Register(*registry_)),
      upstream_up_(BuildGauge()
                       .Name("certgate_upstream_server_up")
                       .Help("1 when the upstream server takes requests, 0 while it is skipped (failures, health check)")
                       .Register(*registry_)),
      ocsp_lookups_(BuildCounter()
                        .Name("certgate_ocsp_lookups_total")
                        .Help("OCSP statuses of client certificates, by result and by where they came from")
                        .Register(*registry_)),
      handshakes_(BuildCounter()
                      .Name("certgate_tls_handshakes_total")
                      .Help("Completed TLS handshakes with clients, full or resumed")
                      .Register(*registry_)),
      chain_cache_(BuildCounter()
                       .Name("certgate_verified_chain_cache_total")
                       .Help("Full handshakes with a client certificate, by whether the verified-chain cache served it")
                       .Register(*registry_)),
      reloads_(BuildCounter()
                   .Name("certgate_reloads_total")
                   .Help("Configuration reloads (SIGHUP), by result")
                   .Register(*registry_)) {
  handshakes_full_ = &handshakes_.Add({{"kind", "full"}});
  handshakes_resumed_ = &handshakes_.Add({{"kind", "resumed"}});
  handshake_failures_ = &BuildCounter()
                             .Name("certgate_tls_handshake_failures_total")
                             .Help("TLS handshakes with clients that failed or were aborted")
                             .Register(*registry_)
                             .Add({});
  chain_cache_hits_ = &chain_cache_.Add({{"result", "hit"}});
  chain_cache_misses_ = &chain_cache_.Add({{"result", "miss"}});
  reloads_ok_ = &reloads_.Add({{"result", "success"}});
  reloads_failed_ = &reloads_.Add({{"result", "failure"}});
  auto& crl_reloads = BuildCounter()
                          .Name("certgate_crl_reloads_total")
                          .Help("Rebuilds for CRL files that changed on disk, by result")
                          .Register(*registry_);
  crl_reloads_ok_ = &crl_reloads.Add({{"result", "success"}});
  crl_reloads_failed_ = &crl_reloads.Add({{"result", "failure"}});
  last_reload_ = &BuildGauge()
                      .Name("certgate_last_reload_success_timestamp_seconds")
                      .Help("Unix time of the last configuration load that took effect (start-up or reload)")
                      .Register(*registry_)
                      .Add({});
  open_connections_ = &BuildGauge()
                           .Name("certgate_open_client_connections")
                           .Help("Client connections open now")
                           .Register(*registry_)
                           .Add({});
  upstream_response_seconds_ = &BuildHistogram()
                                    .Name("certgate_upstream_response_seconds")
                                    .Help("Time from sending a request upstream to receiving its response head")
                                    .Register(*registry_)
                                    .Add({}, response_buckets);
}

void Metrics::reload_succeeded(double unix_seconds) {
  reloads_ok_->Increment();
  last_reload_->Set(unix_seconds);
}

void Metrics::reload_failed() { reloads_failed_->Increment(); }

void Metrics::set_loaded(double unix_seconds) { last_reload_->Set(unix_seconds); }

void Metrics::set_time_limits(std::vector<core::TimeLimit> limits) {
  std::lock_guard lock(limits_mutex_);
  time_limits_ = std::move(limits);
}

std::string Metrics::scrape(double open_connections) {
  return scrape(open_connections, static_cast<std::int64_t>(std::time(nullptr)));
}

std::string Metrics::scrape(double open_connections, std::int64_t now) {
  std::lock_guard lock(scrape_mutex_);
  open_connections_->Set(open_connections);
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  {
    std::lock_guard limits_lock(limits_mutex_);
    for (prometheus::MetricFamily& family : expiry_families(time_limits_, now)) families.push_back(std::move(family));
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

namespace {

// The counter of (host block, status, substatus) in `family`, resolved once per worker into `cache`.
prometheus::Counter& status_counter(prometheus::Family<prometheus::Counter>& family,
                                    std::map<std::string, std::map<int, prometheus::Counter*>, std::less<>>& cache,
                                    std::string_view host_block, int status, int substatus) {
  auto block = cache.find(host_block);
  if (block == cache.end()) block = cache.emplace(std::string(host_block), std::map<int, prometheus::Counter*>{}).first;
  const int key = status * 1000 + substatus;
  auto it = block->second.find(key);
  if (it == block->second.end()) {
    auto& c = family.Add(
        {{"status", std::to_string(status)}, {"substatus", std::to_string(substatus)}, {"host_block", block->first}});
    it = block->second.emplace(key, &c).first;
  }
  return *it->second;
}

}  // namespace

void WorkerMetrics::request(std::string_view host_block, int status, int substatus) {
  status_counter(m_.requests(), requests_, host_block, status, substatus).Increment();
}

void WorkerMetrics::would_refuse(std::string_view host_block, int status, int substatus) {
  status_counter(m_.would_refuse(), would_refuse_, host_block, status, substatus).Increment();
}

void WorkerMetrics::decision(std::string_view host_block, std::string_view mapping, bool admitted) {
  auto block = decisions_.find(host_block);
  if (block == decisions_.end()) block = decisions_.emplace(std::string(host_block), decltype(block->second){}).first;
  auto it = block->second.find(mapping);
  if (it == block->second.end()) {
    std::array<prometheus::Counter*, 2> pair{};
    pair[0] = &m_.decisions().Add({{"host_block", block->first}, {"mapping", std::string(mapping)}, {"result", "deny"}});
    pair[1] = &m_.decisions().Add({{"host_block", block->first}, {"mapping", std::string(mapping)}, {"result", "allow"}});
    it = block->second.emplace(std::string(mapping), pair).first;
  }
  it->second[admitted ? 1 : 0]->Increment();
}

void WorkerMetrics::verify_failure(std::string_view reason) {
  auto it = verify_failures_.find(reason);
  if (it == verify_failures_.end())
    it = verify_failures_.emplace(std::string(reason), &m_.verify_failures().Add({{"reason", std::string(reason)}})).first;
  it->second->Increment();
}

void WorkerMetrics::ocsp_lookup(std::string_view result, bool cached) {
  const std::string_view source = cached ? "cache" : "responder";
  std::string key = std::string(result) + "/" + std::string(source);
  auto it = ocsp_lookups_.find(key);
  if (it == ocsp_lookups_.end()) {
    prometheus::Counter* c = &m_.ocsp_lookups().Add({{"result", std::string(result)}, {"source", std::string(source)}});
    it = ocsp_lookups_.emplace(std::move(key), c).first;
  }
  it->second->Increment();
}

void WorkerMetrics::upstream_error(UpstreamError e) {
  auto& c = upstream_errors_[static_cast<int>(e)];
  if (!c) c = &m_.upstream_errors().Add({{"kind", std::string(to_string(e))}});
  c->Increment();
}

UpstreamServerMetrics& WorkerMetrics::upstream_server(const std::string& key, const std::string& upstream,
                                                      const std::string& server) {
  auto it = upstream_servers_.find(key);
  if (it == upstream_servers_.end()) {
    UpstreamServerMetrics m;
    m.idle = &m_.upstream_idle().Add({{"upstream", upstream}, {"server", server}});
    for (int k = 0; k < 4; ++k) {
      m.errors[k] = &m_.upstream_server_errors().Add(
          {{"upstream", upstream}, {"server", server}, {"kind", std::string(to_string(static_cast<UpstreamError>(k)))}});
    }
    it = upstream_servers_.emplace(key, m).first;
  }
  return it->second;
}

}  // namespace certgate::metrics
