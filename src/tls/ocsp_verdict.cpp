#include "tls/ocsp_verdict.hpp"

#include <openssl/x509_vfy.h>

#include <algorithm>
#include <limits>

#include "tls/ocsp_block.hpp"
#include "tls/ocsp_request.hpp"
#include "tls/server_tls.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {
namespace {

std::string whose(const OcspLookup& l) {
  return "the certificate '" + l.subject + "' (serial " + l.serial + ")" +
         (l.depth == 0 ? std::string() : " at depth " + std::to_string(l.depth));
}

core::VerifyResult revoked_result(const OcspLookup& l) {
  core::VerifyResult r;
  r.status = core::VerifyStatus::revoked;
  r.code = X509_V_ERR_CERT_REVOKED;
  r.depth = l.depth;
  r.reason = "certificate revoked (OCSP responder " + l.responder + ": revoked " + l.answer.detail + ")";
  r.cause.id = "ocsp_revoked";
  r.cause.text = "the OCSP responder " + l.responder + " says " + whose(l) + " was revoked " + l.answer.detail;
  r.cause.fix = l.depth == 0 ? "the client needs a new certificate from its CA"
                             : "the CA '" + l.subject + "' was revoked: its clients need certificates from a CA "
                               "that is not";
  return r;
}

core::VerifyResult unverifiable_result(const OcspLookup& l) {
  core::VerifyResult r;
  r.status = core::VerifyStatus::untrusted;
  r.code = l.answer.status == OcspAnswer::Status::unknown ? X509_V_ERR_OCSP_CERT_UNKNOWN : X509_V_ERR_OCSP_VERIFY_FAILED;
  r.depth = l.depth;
  r.reason = "revocation status unknown: " + ocsp_failure_text(l);
  r.cause.id = l.answer.status == OcspAnswer::Status::unknown ? "ocsp_unknown" : "ocsp_unavailable";
  r.cause.text = "the revocation status of " + whose(l) + " could not be had over OCSP: " + ocsp_failure_text(l) +
                 "; with ocsp_fail = \"closed\" that refuses the certificate";
  r.cause.fix = l.answer.status == OcspAnswer::Status::unknown
                    ? "the responder does not know the certificate: check that ocsp_responder (or the certificate's "
                      "authorityInfoAccess) names the responder of its CA"
                    : l.responder.empty()
                    ? "set ocsp_responder to the CA's responder"
                    : "make the responder reachable from certgate (or set ocsp_fail = \"open\" to admit certificates "
                      "whose status cannot be had, with a warning)";
  return r;
}

}  // namespace

std::string ocsp_failure_text(const OcspLookup& l) {
  if (l.responder.empty()) return l.answer.detail;
  if (l.answer.status == OcspAnswer::Status::unknown) return "OCSP responder " + l.responder + " answered 'unknown'";
  return "OCSP responder " + l.responder + " " + l.answer.detail;
}

OcspVerdict ocsp_verdict(const std::vector<OcspLookup>& lookups, config::OcspFail fail, std::time_t now) {
  OcspVerdict v;
  v.valid_until = std::numeric_limits<std::time_t>::max();
  for (const OcspLookup& l : lookups) {
    if (l.answer.status == OcspAnswer::Status::revoked) {
      v.refused = true;
      v.verify = revoked_result(l);
      return v;
    }
  }
  for (const OcspLookup& l : lookups) {
    if (l.answer.status == OcspAnswer::Status::good) {
      if (l.expires > 0) v.valid_until = std::min(v.valid_until, l.expires);
      continue;
    }
    if (fail == config::OcspFail::closed) {
      v.refused = true;
      v.verify = unverifiable_result(l);
      return v;
    }
    if (v.warning.empty()) v.warning = "revocation status of " + whose(l) + " unknown: " + ocsp_failure_text(l);
    v.valid_until = std::min(v.valid_until, now + kRetryAfterFailure);
  }
  return v;
}

void apply_ocsp_refusal(SSL* ssl, const OcspVerdict& verdict, HandshakeOutcome& outcome) {
  if (!verdict.refused || outcome.host == nullptr) return;
  evaluate_peer(*outcome.host, SSL_get0_peer_certificate(ssl), verdict.verify, outcome);
}

std::shared_ptr<OcspBlock> make_ocsp_block(const TrustStore& trust) {
  auto block = std::make_shared<OcspBlock>();
  block->anchors = ocsp_anchor_store(trust.anchors());
  return block;
}

}  // namespace certgate::tls
