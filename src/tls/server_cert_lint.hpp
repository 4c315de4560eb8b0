#pragma once
// Certificate findings of `certgate check` about a host block's own server certificate and key.
#include <cstdint>
#include <string>
#include <vector>

#include "config/gateway_config.hpp"
#include "core/finding.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

// CG003 (error) the key does not match the certificate; CG111 the certificate has expired (or is not valid
// yet); CG112 it expires within 30 days; CG113 it does not cover one of the block's server names.
// `leaf` is the first certificate of block.tls.cert_file, `key` the key of block.tls.key_file.
std::vector<core::Finding> lint_server_certificate(X509* leaf, EVP_PKEY* key, const config::HostPolicy& block,
                                                   std::int64_t now);

// Whether the certificate covers a configured server name: an exact name by its SANs (or CN when it has no
// DNS SAN), with the usual one-label wildcard; a "*.example.com" name only by the same wildcard SAN.
bool certificate_covers(X509* cert, const std::string& server_name);

}  // namespace certgate::tls
