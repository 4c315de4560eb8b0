#pragma once
// The cause of a failed chain verification in an operator's words, with the fix, computed from what OpenSSL
// left in the store context at the failure (the certificate, its depth, the chain, the time it verified at)
// and from the trust store (anchors, CRLs and their files). TrustStore::verify_chain() fills
// VerifyResult::cause with it, so the server's handshake, explain and the access log say the same thing.
#include "core/cause.hpp"
#include "tls/chain_rules.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

class TrustStore;

// `code` and `depth` are the context's error and error depth after X509_verify_cert() failed.
core::Cause verify_cause(X509_STORE_CTX* ctx, const TrustStore& trust, int code, int depth);

// Errors about a CRL rather than the certificate it covers (its reason names the CRL's issuer). Not
// X509_V_ERR_UNABLE_TO_GET_CRL: that one is about the certificate, which has no CRL.
bool is_crl_error(int code);

// The cause for one of certgate's own certificate rules.
core::Cause rule_violation_cause(const RuleViolation& violation);

}  // namespace certgate::tls
