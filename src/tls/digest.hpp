#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/cert_digest.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

// Extracts the plain digest of a certificate (subject/issuer with every AVA, SANs, fingerprints,
// validity, DER). Never fails on a parsed X509: unreadable parts are left empty.
core::CertDigest digest_of(X509* cert);

// The digest of a DER-encoded certificate (a one-to-one mapping's), nullopt when the bytes are not exactly
// one certificate. Fits core::CertDescriber, for CompiledPolicy::compile.
std::optional<core::CertDigest> digest_of_der(const std::string& der);

// A name as RFC 4514 text ("CN=a,O=b"), "" when it cannot be printed.
std::string rfc4514_name(const X509_NAME* name);

// Seconds since the epoch of an ASN.1 time; 0 when absent or unreadable.
std::int64_t unix_seconds(const ASN1_TIME* t);

}  // namespace certgate::tls
