#pragma once
// Reads and checks an OCSP response (RFC 6960 4.2) for one OcspQuery. Nothing in it is believed before it is
// verified: a successful response of the basic type; signed by the certificate's issuer or by a responder
// certificate that issuer gave id-kp-OCSPSigning, chaining to the block's anchors (OCSP_basic_verify); the
// nonce, when the responder echoed one, equal to the request's; a status for exactly this CertID; thisUpdate
// not ahead and nextUpdate not past (5 minutes of clock skew allowed, OCSP_check_validity).
#include <string_view>

#include "tls/ocsp_answer.hpp"
#include "tls/ocsp_request.hpp"

namespace certgate::tls {

// good / revoked / unknown from a response that passed every check; error (with what failed) otherwise.
OcspAnswer check_ocsp_response(const OcspQuery& query, std::string_view der, X509_STORE* anchors);

}  // namespace certgate::tls
