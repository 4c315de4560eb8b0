#pragma once
// The OCSP requests (RFC 6960 4.1) for a connection's client certificate: which certificates of its verified
// chain are asked about (ocsp = "leaf": the client's own; "chain": every certificate below the trust anchor,
// which is trusted as configured and, as with CRLs, never checked itself), each with its issuer's CertID, the
// responders its authorityInfoAccess names, and the request bytes. This file and ocsp_response.cpp are the
// only ones that touch OCSP_*.
#include <string>
#include <vector>

#include "config/gateway_config.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

struct OcspQuery {
  int depth = 0;             // 0 = the client's certificate
  std::string subject;       // RFC 4514, for messages
  std::string serial;        // hex, for messages
  std::string key;           // the DER of its CertID (SHA-1 of the issuer's name and key, serial): the cache key
  std::vector<std::string> urls;  // the OCSP URLs of its authorityInfoAccess, in order
  std::string request;       // DER OCSPRequest, with a nonce
  X509StackPtr chain;        // the certificate and the rest of its verified chain: where the responder's signer is found
};

struct OcspQueries {
  std::vector<OcspQuery> queries;
  std::string error;  // the requests could not be made (then queries is empty)
};

// For the connection's peer certificate. Its verified chain is the handshake's; on a resumed session (which
// keeps only the certificates the client sent) it is built again against `anchors` (ocsp_anchor_store()).
OcspQueries ocsp_queries(SSL* ssl, X509_STORE* anchors, config::OcspMode mode);

// The trust anchors alone, with PARTIAL_CHAIN and no CRL checks: what a responder's certificate must chain to
// (the block's own store would ask for CRLs of the responder's chain).
X509StorePtr ocsp_anchor_store(const std::vector<X509Ptr>& anchors);

}  // namespace certgate::tls
