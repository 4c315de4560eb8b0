#pragma once
// The time limits of a running configuration: each host block's server certificate notAfter, each trust
// anchor's notAfter and each CRL's nextUpdate, with the file each came from. What the expiry gauges export
// (docs/metrics.md) and the CRL warnings look at.
#include <vector>

#include "core/time_limit.hpp"
#include "tls/server_tls.hpp"

namespace certgate::tls {

// In host block order: the block's server certificate, its anchors, then its CRLs.
std::vector<core::TimeLimit> time_limits(const ServerTls& tls);

}  // namespace certgate::tls
