#pragma once
// Everything an operator wants to see about one certificate (`certgate cert show`, `explain`, `check`):
// the digest the decision uses, plus key, extended key usage and CA facts that only OpenSSL can tell.
#include <optional>
#include <string>
#include <vector>

#include "core/cert_digest.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

struct CertInfo {
  core::CertDigest digest;
  std::string key_type;          // "RSA", "EC", "Ed25519", "Ed448", "DSA", or OpenSSL's name
  int key_bits = 0;              // RSA modulus size, EC field size, ...
  std::string curve;             // EC only: NIST name when there is one ("P-256"), else OpenSSL's ("brainpoolP256r1")
  std::vector<std::string> eku;  // extendedKeyUsage: OpenSSL short names ("clientAuth") or dotted OIDs
  std::optional<bool> ca;        // basicConstraints cA; nullopt when the extension is absent
  bool self_signed = false;      // issued by its own key (signature checked), not merely subject == issuer
  std::string signature_algorithm;  // "sha256WithRSAEncryption", "ecdsa-with-SHA256", ...
};

// Never fails on a parsed certificate: parts OpenSSL cannot read are left empty.
CertInfo cert_info(X509* cert);

// "clientAuth" -> "TLS Web Client Authentication" (OpenSSL's long name), or "" when unknown.
std::string eku_long_name(const std::string& short_name);

}  // namespace certgate::tls
