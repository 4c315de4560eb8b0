#pragma once
// CRL findings of `certgate check`: CRLs that load (crl_rules.hpp refuses the unusable ones) but would make
// serve refuse every client they concern, or that concern no client. Each names the CRL file, its issuer and
// its nextUpdate.
#include <cstdint>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/mapping_policy.hpp"
#include "tls/anchor_lint.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {

// One loaded CRL and the crl file it was read from.
struct CrlRef {
  std::string source;
  X509_CRL* crl = nullptr;
};

// CG108 a CRL past its nextUpdate (or before its lastUpdate) at `now`, with no current CRL of the same issuer
// loaded: every client certificate it covers is refused (403.16, "CRL expired"), or with stale_admits
// (crl_expired = "warn") admitted without current revocation data;
// CG109 a CRL issued by no trust anchor of the block (it can only apply to an intermediate CA that clients
// send), or one that names an anchor as its issuer but is not signed by that anchor's key (every client under
// the anchor is refused: "CRL signature failure").
std::vector<core::Finding> lint_crls(const std::vector<CrlRef>& crls, const std::vector<AnchorRef>& anchors,
                                     std::int64_t now, const std::string& host, bool stale_admits = false);

// CG123 CRLs are configured, and an enabled allow mapping admits only certificates whose issuer CN matches a
// value that is the CN of no trust anchor and of no loaded CRL's issuer: those certificates come from an
// intermediate CA that clients send, and with no CRL of it loaded every one of them is refused (403.16).
std::vector<core::Finding> lint_mapped_issuers_without_crl(const core::MappingPolicy& policy,
                                                           const std::vector<CrlRef>& crls,
                                                           const std::vector<AnchorRef>& anchors,
                                                           const std::string& host);

// CG110 (note) certificates of a PKCS#7 bundle in client_ca that are not CAs (the leaf Windows exports with its
// chain): they are not trust anchors.
std::vector<core::Finding> lint_skipped_anchors(const TrustStore& trust, const std::string& host);

}  // namespace certgate::tls
