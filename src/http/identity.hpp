#pragma once
// The identity a connection carries upstream, as header values computed once per handshake.
#include <optional>
#include <string>

#include "core/cert_digest.hpp"
#include "core/decision.hpp"
#include "core/verify_result.hpp"

namespace certgate::http_id {

struct IdentityValues {
  std::string verify;       // SUCCESS, NONE, FAILED:reason
  std::string identity;     // mapped user ("" = anonymous)
  std::string mapping;      // mapping name
  std::string subject;      // RFC 4514
  std::string issuer;       // RFC 4514
  std::string fingerprint;  // SHA-256 lowercase hex
  std::string serial;       // uppercase hex
  std::string client_cert;  // RFC 9440 ":base64-DER:"
  bool has_cert = false;
  // Report-only: the refusal the request would have had ("403.16"); "" otherwise. Such a request carries the
  // verification's result and this, nothing that could pass for an identity (no mapping, no certificate fields).
  std::string would_refuse;
};

IdentityValues identity_values(const core::Decision& decision, const std::optional<core::CertDigest>& cert,
                               const core::VerifyResult& verify);

std::string verify_header_value(const core::VerifyResult& verify, bool has_cert);

}  // namespace certgate::http_id
