#include "tls/ocsp_request.hpp"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "tls/digest.hpp"

namespace certgate::tls {
namespace {

using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID_free>>;
using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST_free>>;

template <typename T, typename Fn>
std::string der_of(const T* object, Fn i2d) {
  const int length = i2d(const_cast<T*>(object), nullptr);
  if (length <= 0) return {};
  std::string out(static_cast<std::size_t>(length), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  if (i2d(const_cast<T*>(object), &p) != length) return {};
  return out;
}

std::string serial_hex(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  if (bn == nullptr) return {};
  char* hex = BN_bn2hex(bn);
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

std::vector<std::string> aia_ocsp_urls(X509* cert) {
  std::vector<std::string> urls;
  STACK_OF(OPENSSL_STRING)* list = X509_get1_ocsp(cert);
  for (int i = 0; i < sk_OPENSSL_STRING_num(list); ++i) urls.emplace_back(sk_OPENSSL_STRING_value(list, i));
  X509_email_free(list);
  return urls;
}

// The chain the handshake verified, or (resumption) the same chain built again from the certificates the client
// sent and the anchors. Its last certificate is the trust anchor.
X509StackPtr verified_chain(SSL* ssl, X509_STORE* anchors, std::string& error) {
  if (STACK_OF(X509)* built = SSL_get0_verified_chain(ssl); built != nullptr && sk_X509_num(built) > 0) {
    return X509StackPtr(X509_chain_up_ref(built));
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), anchors, SSL_get0_peer_certificate(ssl), SSL_get_peer_cert_chain(ssl)) != 1 ||
      X509_verify_cert(ctx.get()) != 1) {
    error = "the client's chain cannot be built again for OCSP: " +
            std::string(X509_verify_cert_error_string(ctx ? X509_STORE_CTX_get_error(ctx.get()) : X509_V_ERR_UNSPECIFIED));
    ERR_clear_error();
    return nullptr;
  }
  return X509StackPtr(X509_STORE_CTX_get1_chain(ctx.get()));
}

}  // namespace

X509StorePtr ocsp_anchor_store(const std::vector<X509Ptr>& anchors) {
  X509StorePtr store(X509_STORE_new());
  if (!store) return nullptr;
  for (const X509Ptr& anchor : anchors) X509_STORE_add_cert(store.get(), anchor.get());
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  ERR_clear_error();  // a certificate listed twice is not an error here
  return store;
}

OcspQueries ocsp_queries(SSL* ssl, X509_STORE* anchors, config::OcspMode mode) {
  OcspQueries out;
  if (mode == config::OcspMode::off || SSL_get0_peer_certificate(ssl) == nullptr) return out;
  X509StackPtr chain = verified_chain(ssl, anchors, out.error);
  if (!chain) return out;
  const int length = sk_X509_num(chain.get());
  // Every certificate that has an issuer in the chain: all but the anchor; "leaf" stops after the first.
  const int asked = mode == config::OcspMode::leaf ? std::min(1, length - 1) : length - 1;
  for (int depth = 0; depth < asked; ++depth) {
    X509* cert = sk_X509_value(chain.get(), depth);
    X509* issuer = sk_X509_value(chain.get(), depth + 1);
    OcspQuery q;
    q.depth = depth;
    q.subject = rfc4514_name(X509_get_subject_name(cert));
    q.serial = serial_hex(cert);
    q.urls = aia_ocsp_urls(cert);
    OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
    OcspRequestPtr request(OCSP_REQUEST_new());
    if (!id || !request) {
      out.queries.clear();
      out.error = "an OCSP request cannot be made: " + take_openssl_errors();
      return out;
    }
    q.key = der_of(id.get(), i2d_OCSP_CERTID);
    if (q.key.empty() || OCSP_request_add0_id(request.get(), id.get()) == nullptr) {
      out.queries.clear();
      out.error = "an OCSP request cannot be made: " + take_openssl_errors();
      return out;
    }
    id.release();  // the request owns it now
    if (OCSP_request_add1_nonce(request.get(), nullptr, -1) != 1) {
      out.queries.clear();
      out.error = "an OCSP nonce cannot be made: " + take_openssl_errors();
      return out;
    }
    q.request = der_of(request.get(), i2d_OCSP_REQUEST);
    // The certificate itself first, then its issuers: OCSP_basic_verify looks for the signer among them.
    q.chain.reset(sk_X509_new_null());
    for (int i = depth; i < length; ++i) {
      X509* c = sk_X509_value(chain.get(), i);
      X509_up_ref(c);
      sk_X509_push(q.chain.get(), c);
    }
    out.queries.push_back(std::move(q));
  }
  return out;
}

}  // namespace certgate::tls
