#pragma once
// What one OCSP lookup found out about one certificate (RFC 6960 4.2.1): plain data, no OpenSSL, so that the
// cache and the verdict can be tested on their own.
#include <ctime>
#include <string>

namespace certgate::tls {

struct OcspAnswer {
  // good / revoked / unknown: a response that verified said so. error: no such response could be had.
  enum class Status { good, revoked, unknown, error };
  Status status = Status::error;
  // error: what went wrong, a phrase that follows the responder's URL ("is unreachable: connection refused");
  // revoked: when and why ("at 2026-12-02T05:00:00Z, reason keyCompromise").
  std::string detail;
  std::time_t this_update = 0;
  std::time_t next_update = 0;  // 0: the response has none (newer information is always available)
};

}  // namespace certgate::tls
