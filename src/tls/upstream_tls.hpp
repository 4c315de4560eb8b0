#pragma once
// The client side of TLS towards an https:// upstream: its own trust anchors, SNI and name verification.
#include "config/gateway_config.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

// Throws LoadError naming the CA file when it cannot be read.
SslCtxPtr make_upstream_ctx(const config::UpstreamConfig& upstream);
// A new client SSL towards `host` (one server of `upstream`), with SNI and (when verify is on) host-name
// verification set: the name is server_name, else the host.
SslPtr new_upstream_ssl(SSL_CTX* ctx, const config::UpstreamConfig& upstream, const std::string& host);

// The protocol the upstream selected with ALPN ("" when none).
std::string selected_alpn(SSL* ssl);

}  // namespace certgate::tls
