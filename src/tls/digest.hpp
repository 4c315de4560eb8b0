#pragma once
#include "core/cert_digest.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

// Extracts the plain digest of a certificate (subject/issuer with every AVA, SANs, fingerprints,
// validity, DER). Never fails on a parsed X509: unreadable parts are left empty.
core::CertDigest digest_of(X509* cert);

}  // namespace certgate::tls
