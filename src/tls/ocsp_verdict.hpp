#pragma once
// What the OCSP answers about a connection's chain mean for its decision. A revoked certificate is refused
// like one on a CRL (VerifyStatus::revoked: 403.13), naming the responder. A status that could not be had (the
// responder unreachable, a response refused, "unknown", no responder to ask) is, with ocsp_fail = "closed",
// refused as unverifiable like a missing CRL (VerifyStatus::untrusted: 403.16), and with "open" admitted with
// a warning. The verdict goes through the same decide() as every other verification result.
#include <ctime>
#include <string>
#include <vector>

#include "config/gateway_config.hpp"
#include "core/verify_result.hpp"
#include "tls/ocsp_answer.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

struct HandshakeOutcome;

// One certificate's lookup.
struct OcspLookup {
  int depth = 0;
  std::string subject;     // RFC 4514
  std::string serial;      // hex
  std::string responder;   // the URL asked ("" when there was none to ask)
  OcspAnswer answer;
  bool cached = false;     // the answer came from the block's cache
  std::time_t expires = 0; // until when the answer is kept (0: not kept)
};

struct OcspVerdict {
  bool refused = false;         // `verify` replaces the connection's (which verified)
  core::VerifyResult verify;    // when refused: revoked (403.13) or untrusted (403.16)
  std::string warning;          // ocsp_fail = "open": the status that could not be had, for the log
  // When the decision must be taken again: the soonest expiry of the answers it rests on; ocsp_fail = "open"
  // after a failure: kRetryAfterFailure from now.
  std::time_t valid_until = 0;
};

// An admission despite an unknown status is tried again this long after (a kept-alive connection).
inline constexpr std::time_t kRetryAfterFailure = 60;

// Lookups in chain order (the leaf first). The first revoked certificate decides; then the first whose status
// could not be had.
OcspVerdict ocsp_verdict(const std::vector<OcspLookup>& lookups, config::OcspFail fail, std::time_t now);

// The sentence for a lookup that has no status, with the responder ("OCSP responder http://... is unreachable:
// ..."), as the reason and the warning say it.
std::string ocsp_failure_text(const OcspLookup& lookup);

// Decides the connection again with the refusal of `verdict` (evaluate_peer on its peer certificate).
void apply_ocsp_refusal(SSL* ssl, const OcspVerdict& verdict, HandshakeOutcome& outcome);

}  // namespace certgate::tls
