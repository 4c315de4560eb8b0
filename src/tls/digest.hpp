#pragma once
#include <string>

#include "core/cert_digest.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

// Extracts the plain digest of a certificate (subject/issuer with every AVA, SANs, fingerprints,
// validity, DER). Never fails on a parsed X509: unreadable parts are left empty.
core::CertDigest digest_of(X509* cert);

// A name as RFC 4514 text ("CN=a,O=b"), "" when it cannot be printed.
std::string rfc4514_name(const X509_NAME* name);

}  // namespace certgate::tls
