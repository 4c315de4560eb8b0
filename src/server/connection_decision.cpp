#include "server/connection_decision.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "http/identity.hpp"
#include "http/identity_headers.hpp"
#include "server/connection_metrics.hpp"
#include "server/connection_ocsp.hpp"
#include "server/server.hpp"
#include "server/worker.hpp"

namespace certgate::server {

void adopt_decision(ConnectionState& cs) {
  tls::HandshakeOutcome& o = *cs.outcome;
  count_decision(cs.worker->metrics(), o);
  cs.identity_block =
      h1::render_identity_block(cs.rt->config.headers, http_id::identity_values(o.decision, o.cert, o.verify));
  cs.decision_valid_until = std::min(tls::decision_expiry(cs.stream->native_handle(), *o.host), cs.ocsp_valid_until);
  switch (cs.rt->config.detailed_errors) {
    case config::DetailedErrors::on: cs.detailed = true; break;
    case config::DetailedErrors::off: cs.detailed = false; break;
    case config::DetailedErrors::local: cs.detailed = cs.loopback; break;
  }
  // The full digest of the client certificate stays with the TLS session; the connection keeps only the
  // fingerprint its access-log lines carry.
  if (o.cert) {
    core::CertDigest logged;
    logged.sha256_hex = std::move(o.cert->sha256_hex);
    o.cert = std::move(logged);
  }
}

awaitable<void> complete_decision(ConnectionState& cs) {
  co_await check_ocsp(cs);
  adopt_decision(cs);
}

awaitable<bool> refresh_decision(ConnectionState& cs) {
  Server& server = cs.worker->server();
  const bool reloaded = server.generation() != cs.rt->generation;
  if (!reloaded && std::time(nullptr) < cs.decision_valid_until) co_return false;
  if (reloaded) cs.rt = server.runtime();
  const bool admitted_before = cs.outcome->decision.admitted;
  cs.rt->tls->redecide(cs.stream->native_handle(), *cs.outcome);
  co_await check_ocsp(cs);
  adopt_decision(cs);
  spdlog::debug("{}: connection decided again ({}): {} -> {}", cs.client, reloaded ? "configuration reloaded" : "expiry",
                admitted_before ? "admitted" : "refused", cs.outcome->decision.admitted ? "admitted" : "refused");
  co_return true;
}

bool last_request_on_connection(const ConnectionState& cs) {
  const config::Limits& limits = cs.rt->config.limits;
  if (cs.worker->draining()) return true;
  if (cs.requests + 1 >= limits.max_requests_per_connection) return true;
  return ConnectionState::Clock::now() - cs.accepted_at >= limits.max_connection_age;
}

bool verified_edge(const ConnectionState& cs) {
  const tls::HandshakeOutcome& o = *cs.outcome;
  return o.decision.admitted && o.cert.has_value() && o.verify.status == core::VerifyStatus::ok;
}

}  // namespace certgate::server
