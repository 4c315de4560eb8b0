#pragma once
// Certificate findings of `certgate check` about a host block's trust anchors (client_ca) and the
// certificates it maps one-to-one. The mapping lints that need no certificate are in core/policy_lint.
#include <cstdint>
#include <string>
#include <vector>

#include "core/compiled_policy.hpp"
#include "core/finding.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {

// One trust anchor and the client_ca entry (file or directory) it was read from.
struct AnchorRef {
  std::string source;
  X509* cert = nullptr;
};

// CG101 Cloudflare's shared origin-pull CA trusted, and a certificate from it would be given an identity;
// CG102 Cloudflare's Origin CA (a server-certificate CA) as a client trust anchor;
// CG103 an anchor that is not a CA certificate; CG104 an expired (or not yet valid) anchor;
// CG105 an anchor that expires within 30 days (the message names the 30- or 14-day mark).
std::vector<core::Finding> lint_anchors(const std::vector<AnchorRef>& anchors, const core::CompiledPolicy& policy,
                                        std::int64_t now, const std::string& host);

// CG121 an enabled one-to-one certificate that does not verify against the block's anchors (it could never
// be presented successfully); CG122 one that verifies but is expired, not yet valid or revoked at `now`; CG124
// one that verifies and expires within 30 days (the message names the 30- or 14-day mark).
std::vector<core::Finding> lint_one_to_one_chains(const core::MappingPolicy& policy, const TrustStore& trust,
                                                  std::int64_t now, const std::string& host);

// CG107 CRLs are configured but none of them is issued by this CA anchor: with the whole chain checked
// against CRLs (fail closed), every client certificate under it is refused with 403.16.
std::vector<core::Finding> lint_crl_coverage(const std::vector<AnchorRef>& anchors, const TrustStore& trust,
                                             const std::string& host);

// Cloudflare's shared Authenticated Origin Pulls CA: subject CN=origin-pull.cloudflare.net.
bool is_cloudflare_shared_aop_ca(X509* cert);
// Cloudflare's Origin CA roots (RSA and ECC): O=CloudFlare, Inc., OU=CloudFlare Origin SSL [ECC] Certificate
// Authority. They sign origin server certificates, never the edge's client certificate.
bool is_cloudflare_origin_ca(X509* cert);

}  // namespace certgate::tls
