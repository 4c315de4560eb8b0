#pragma once
#include <string>
#include <string_view>

#include "core/cause.hpp"

namespace certgate::core {

// Outcome of chain verification, classified for the decision. The OpenSSL error text is kept for the trace.
enum class VerifyStatus {
  not_presented,  // the client sent no certificate (or none was requested)
  ok,             // the chain verified against a configured trust anchor
  untrusted,      // no path to a trust anchor, bad signature, wrong purpose, depth exceeded, malformed...
  expired,        // a certificate in the chain is past notAfter
  not_yet_valid,  // a certificate in the chain is before notBefore
  revoked,        // a certificate in the chain is on a configured CRL
};

struct VerifyResult {
  VerifyStatus status = VerifyStatus::not_presented;
  int code = 0;        // OpenSSL X509_V_ERR_* (0 = ok)
  int depth = -1;      // chain depth where the error was found (0 = leaf), -1 when none
  std::string reason;  // OpenSSL's error text, e.g. "certificate has expired"
  Cause cause{};       // on failure: what is wrong in the operator's words, and the fix (src/tls/verify_cause.hpp)
  // On success: what was forgiven, one line ("" when nothing was), e.g. a CRL past its nextUpdate under
  // crl_expired = "warn". Logged with the request (access log reason) and shown by explain.
  std::string warning{};
};

std::string_view to_string(VerifyStatus s);

}  // namespace certgate::core
