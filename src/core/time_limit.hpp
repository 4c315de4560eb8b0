#pragma once
// A moment a loaded certificate or CRL stops being good: a server certificate's or a trust anchor's notAfter, a
// CRL's nextUpdate. Plain data computed from a running configuration (tls::time_limits) for the expiry gauges
// (docs/metrics.md) and the CRL warnings (server/crl_warnings.hpp).
#include <cstdint>
#include <string>

namespace certgate::core {

struct TimeLimit {
  enum class Kind { server, anchor, crl };
  Kind kind = Kind::server;
  std::string host_block;  // the host block's name ("default" for the default block)
  std::string name;        // RFC 4514 subject (certificates) or issuer (CRLs)
  std::string file;        // the configured file it was read from
  std::int64_t at = 0;     // notAfter / nextUpdate, Unix seconds; 0 = none (a CRL without nextUpdate)
  bool stale_admits = false;  // CRLs: the block's crl_expired is "warn" (past nextUpdate, it still admits)
};

}  // namespace certgate::core
