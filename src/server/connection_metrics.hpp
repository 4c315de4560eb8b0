#pragma once
// What a connection adds to the metrics: its handshake (full or resumed, or failed), the chain verification
// behind it, and every decision it adopts (at the handshake and when decided again).
#include <string_view>

#include "metrics/metrics.hpp"
#include "tls/server_tls.hpp"

namespace certgate::server {

// The host block label of a connection: the block its decision was taken in ("" before SNI chose one).
std::string_view host_block_name(const tls::HandshakeOutcome& o);

void count_handshake(metrics::WorkerMetrics& m, const tls::HandshakeOutcome& o, bool completed);
void count_decision(metrics::WorkerMetrics& m, const tls::HandshakeOutcome& o);

}  // namespace certgate::server
