#include "tls/upstream_tls.hpp"

#include <openssl/x509v3.h>

#include <stdexcept>

#include "tls/cert_loader.hpp"

namespace certgate::tls {

SslCtxPtr make_upstream_ctx(const config::UpstreamConfig& upstream) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) throw LoadError("cannot create upstream TLS context: " + take_openssl_errors());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  // An HTTP/2 upstream must select h2 (checked after the handshake: src/server/h2_upstream_exchange.cpp).
  static const unsigned char kH2[] = {2, 'h', '2'};
  if (upstream.protocol == config::UpstreamProtocol::h2) SSL_CTX_set_alpn_protos(ctx.get(), kH2, sizeof kH2);
  if (upstream.verify) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (!upstream.ca_file.empty()) {
      read_file(upstream.ca_file);  // names a missing file
      if (SSL_CTX_load_verify_locations(ctx.get(), upstream.ca_file.c_str(), nullptr) != 1)
        throw LoadError(upstream.ca_file + ": no CA certificate found (" + take_openssl_errors() + ")");
    } else {
      SSL_CTX_set_default_verify_paths(ctx.get());
    }
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  return ctx;
}

SslPtr new_upstream_ssl(SSL_CTX* ctx, const config::UpstreamConfig& upstream, const std::string& host) {
  SslPtr ssl(SSL_new(ctx));
  if (!ssl) throw std::runtime_error("SSL_new failed: " + take_openssl_errors());
  const std::string& name = upstream.server_name.empty() ? host : upstream.server_name;
  ASN1_OCTET_STRING* ip = a2i_IPADDRESS(name.c_str());
  if (ip == nullptr) SSL_set_tlsext_host_name(ssl.get(), name.c_str());  // no SNI for IP literals
  if (upstream.verify) {
    if (ip != nullptr) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), name.c_str());
    else SSL_set1_host(ssl.get(), name.c_str());
  }
  if (ip != nullptr) ASN1_OCTET_STRING_free(ip);
  return ssl;
}

std::string selected_alpn(SSL* ssl) {
  const unsigned char* p = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl, &p, &len);
  return std::string(reinterpret_cast<const char*>(p), len);
}

}  // namespace certgate::tls
