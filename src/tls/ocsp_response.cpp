#include "tls/ocsp_response.hpp"

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "core/time_text.hpp"
#include "tls/digest.hpp"

namespace certgate::tls {
namespace {

using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, Deleter<OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, Deleter<OCSP_BASICRESP_free>>;
using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID_free>>;

OcspAnswer refused(std::string what) {
  OcspAnswer a;
  a.status = OcspAnswer::Status::error;
  a.detail = "sent a response certgate refuses: " + what;
  ERR_clear_error();
  return a;
}

std::string time_text(const ASN1_GENERALIZEDTIME* t) {
  return t == nullptr ? "none" : core::format_utc(unix_seconds(t));
}

}  // namespace

OcspAnswer check_ocsp_response(const OcspQuery& query, std::string_view der, X509_STORE* anchors) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (!response || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return refused("not a DER OCSP response");
  }
  if (const int status = OCSP_response_status(response.get()); status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    OcspAnswer a;
    a.detail = std::string("answered '") + OCSP_response_status_str(status) + "' instead of a status";
    return a;
  }
  OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
  if (!basic) return refused("not a basic OCSP response");

  const auto* rp = reinterpret_cast<const unsigned char*>(query.request.data());
  OcspRequestPtr request(d2i_OCSP_REQUEST(nullptr, &rp, static_cast<long>(query.request.size())));
  // 0: both carry a nonce and they differ (a replayed answer to someone else's request). A responder that
  // answers from pre-signed responses echoes none, which is allowed (the validity period bounds the replay).
  if (request && OCSP_check_nonce(request.get(), basic.get()) == 0) return refused("its nonce is not the request's");

  if (OCSP_basic_verify(basic.get(), query.chain.get(), anchors, 0) <= 0) {
    return refused("its signature does not verify against the issuer or an OCSP signer it authorised (" +
                   take_openssl_errors() + ")");
  }

  const auto* ip = reinterpret_cast<const unsigned char*>(query.key.data());
  OcspCertIdPtr id(d2i_OCSP_CERTID(nullptr, &ip, static_cast<long>(query.key.size())));
  int status = -1;
  int reason = -1;
  ASN1_GENERALIZEDTIME* revoked_at = nullptr;
  ASN1_GENERALIZEDTIME* this_update = nullptr;
  ASN1_GENERALIZEDTIME* next_update = nullptr;
  if (!id || OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at, &this_update, &next_update) != 1) {
    return refused("it holds no status for serial " + query.serial);
  }
  if (OCSP_check_validity(this_update, next_update, 300, -1) != 1) {
    return refused("it is not current (thisUpdate " + time_text(this_update) + ", nextUpdate " + time_text(next_update) +
                   ")");
  }
  OcspAnswer a;
  a.this_update = static_cast<std::time_t>(unix_seconds(this_update));
  a.next_update = next_update ? static_cast<std::time_t>(unix_seconds(next_update)) : 0;
  switch (status) {
    case V_OCSP_CERTSTATUS_GOOD: a.status = OcspAnswer::Status::good; break;
    case V_OCSP_CERTSTATUS_REVOKED:
      a.status = OcspAnswer::Status::revoked;
      a.detail = "at " + time_text(revoked_at);
      if (reason >= 0) a.detail += std::string(", reason ") + OCSP_crl_reason_str(reason);
      break;
    default: a.status = OcspAnswer::Status::unknown; break;
  }
  ERR_clear_error();
  return a;
}

}  // namespace certgate::tls
