#include "http/identity.hpp"

#include "config/cert_text.hpp"

namespace certgate::http_id {

std::string verify_header_value(const core::VerifyResult& verify, bool has_cert) {
  if (!has_cert || verify.status == core::VerifyStatus::not_presented) return "NONE";
  if (verify.status == core::VerifyStatus::ok) return "SUCCESS";
  return "FAILED:" + verify.reason;
}

IdentityValues identity_values(const core::Decision& decision, const std::optional<core::CertDigest>& cert,
                               const core::VerifyResult& verify) {
  IdentityValues v;
  v.verify = verify_header_value(verify, cert.has_value());
  if (decision.would_refuse()) {
    v.would_refuse = decision.status_text();
    return v;
  }
  v.has_cert = cert.has_value();
  v.identity = decision.identity;
  v.mapping = decision.mapping;
  if (cert) {
    v.subject = cert->subject.rfc4514;
    v.issuer = cert->issuer.rfc4514;
    v.fingerprint = cert->sha256_hex;
    v.serial = cert->serial_hex;
    v.client_cert = ":" + config::base64_encode(cert->der) + ":";
  }
  return v;
}

}  // namespace certgate::http_id
