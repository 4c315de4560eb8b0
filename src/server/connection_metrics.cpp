#include "server/connection_metrics.hpp"

namespace certgate::server {

std::string_view host_block_name(const tls::HandshakeOutcome& o) { return o.host ? std::string_view(o.host->policy.name) : ""; }

void count_handshake(metrics::WorkerMetrics& m, const tls::HandshakeOutcome& o, bool completed) {
  auto& all = m.all();
  if (!completed) {
    all.handshake_failures().Increment();
  } else if (o.resumed) {
    all.handshakes_resumed().Increment();
  } else {
    all.handshakes_full().Increment();
  }
  // The verify callback ran: a full handshake that presented a certificate.
  if (!o.evaluated) return;
  (o.chain_cached ? all.chain_cache_hits() : all.chain_cache_misses()).Increment();
  if (o.verify.status != core::VerifyStatus::ok && o.verify.status != core::VerifyStatus::not_presented) {
    m.verify_failure(core::to_string(o.verify.status));
  }
}

void count_decision(metrics::WorkerMetrics& m, const tls::HandshakeOutcome& o) {
  m.decision(host_block_name(o), o.decision.mapping, o.decision.admitted);
}

}  // namespace certgate::server
