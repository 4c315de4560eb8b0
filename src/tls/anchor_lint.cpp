#include "tls/anchor_lint.hpp"

#include <algorithm>
#include <optional>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "core/ascii.hpp"
#include "core/decision.hpp"
#include "core/time_text.hpp"
#include "tls/cert_info.hpp"
#include "tls/digest.hpp"

namespace certgate::tls {
namespace {

constexpr std::string_view kCommonNameOid = "2.5.4.3";
constexpr std::string_view kOrganizationOid = "2.5.4.10";
constexpr std::string_view kUnitOid = "2.5.4.11";
// The marks at which an expiry is announced, as Cloudflare alerts for the certificates it holds: 30, then 14 days.
constexpr std::int64_t kExpiryWarningDays = 30;
constexpr std::int64_t kExpiryUrgentDays = 14;

// "in 10 days, inside the 14-day mark": how close an expiry is, for the messages of CG105 and CG124.
std::string expiry_mark(std::int64_t days_left) {
  return "in " + core::days_text(days_left) + ", inside the " +
         std::to_string(days_left <= kExpiryUrgentDays ? kExpiryUrgentDays : kExpiryWarningDays) + "-day mark";
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

bool any_value(const core::DistinguishedName& name, std::string_view oid, auto predicate) {
  for (std::string_view value : name.values_of(oid)) {
    if (predicate(core::ascii::lower_copy(value))) return true;
  }
  return false;
}

core::Finding make(std::string code, const std::string& source, const std::string& host, std::string message,
                   std::string fix) {
  core::Finding finding;
  finding.code = std::move(code);
  finding.severity = core::Severity::warning;
  finding.where = core::SourcePos{source};
  if (!host.empty()) finding.hosts.push_back(host);
  finding.message = std::move(message);
  finding.fix = std::move(fix);
  return finding;
}

// The certificates Cloudflare's edges present for every zone that uses the shared CA: issued by it, with
// its own subject (as the real 2016 leaf is). Plus any one-to-one certificate the block holds from it.
std::vector<core::CertDigest> shared_ca_candidates(X509* anchor, const core::MappingPolicy& policy) {
  std::vector<core::CertDigest> candidates;
  core::CertDigest edge;
  edge.subject = digest_of(anchor).subject;
  edge.issuer = edge.subject;
  candidates.push_back(std::move(edge));
  for (const core::OneToOneMapping& mapping : policy.one_to_one) {
    if (!mapping.enabled || mapping.der.empty()) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(mapping.der.data());
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(mapping.der.size())));
    if (!cert) {
      ERR_clear_error();
      continue;
    }
    if (X509_NAME_cmp(X509_get_issuer_name(cert.get()), X509_get_subject_name(anchor)) == 0) {
      candidates.push_back(digest_of(cert.get()));
    }
  }
  return candidates;
}

// How the block admits a certificate from the shared CA ("mapping 'x' admits it as user 'u'"), or "".
std::string shared_ca_admission(X509* anchor, const core::CompiledPolicy& policy) {
  if (policy.mode() == core::ClientCertMode::ignore) return "";
  const core::VerifyResult verified{core::VerifyStatus::ok, 0, -1, ""};
  for (const core::CertDigest& candidate : shared_ca_candidates(anchor, policy.source())) {
    const core::Decision decision = core::decide(policy, &candidate, verified);
    if (!decision.admitted || decision.mapping.empty()) continue;
    if (policy.chain_only()) return "with chain_only = true a verified chain is enough";
    return "mapping " + quoted(decision.mapping) + " admits it as user " + quoted(decision.identity);
  }
  return "";
}

std::string validity_problem(const CertInfo& info, std::int64_t now, bool& expiring) {
  expiring = false;
  const core::CertDigest& d = info.digest;
  if (d.not_after != 0 && d.not_after < now) {
    return "expired on " + core::format_utc(d.not_after) + " (" +
           core::days_text(-core::days_until(now, d.not_after)) + " ago)";
  }
  if (d.not_before != 0 && d.not_before > now) return "is not valid before " + core::format_utc(d.not_before);
  const std::int64_t left = core::days_until(now, d.not_after);
  if (d.not_after != 0 && left <= kExpiryWarningDays) {
    expiring = true;
    return "expires on " + core::format_utc(d.not_after) + " (" + expiry_mark(left) + ")";
  }
  return "";
}

// CG124: a pinned (edge) certificate that expires within 30 days. Cloudflare presents the certificate deployed
// last, so the next one must be issued, uploaded and mapped beside this one before the date.
std::optional<core::Finding> edge_expiry(const std::string& name, X509* cert, std::int64_t now, const std::string& host) {
  const core::CertDigest d = digest_of(cert);
  const std::int64_t left = core::days_until(now, d.not_after);
  if (d.not_after == 0 || left > kExpiryWarningDays) return std::nullopt;
  return make("CG124", "", host,
              name + ": certificate " + quoted(d.subject.rfc4514) + " expires on " + core::format_utc(d.not_after) +
                  " (" + expiry_mark(left) + "); after that it is refused (403.17)",
              "issue its successor now (certgate pki issue --hostname ...), map both until the edge presents the new "
              "one, then remove this mapping");
}

}  // namespace

bool is_cloudflare_shared_aop_ca(X509* cert) {
  const core::DistinguishedName subject = digest_of(cert).subject;
  return any_value(subject, kCommonNameOid, [](const std::string& v) { return v == "origin-pull.cloudflare.net"; });
}

bool is_cloudflare_origin_ca(X509* cert) {
  const core::DistinguishedName subject = digest_of(cert).subject;
  return any_value(subject, kOrganizationOid, [](const std::string& v) { return v.starts_with("cloudflare"); }) &&
         any_value(subject, kUnitOid, [](const std::string& v) {
           return v.starts_with("cloudflare origin ssl") && v.ends_with("certificate authority");
         });
}

std::vector<core::Finding> lint_anchors(const std::vector<AnchorRef>& anchors, const core::CompiledPolicy& policy,
                                        std::int64_t now, const std::string& host) {
  std::vector<core::Finding> out;
  for (const AnchorRef& anchor : anchors) {
    const CertInfo info = cert_info(anchor.cert);
    const std::string name = "trust anchor " + quoted(info.digest.subject.rfc4514);

    if (is_cloudflare_shared_aop_ca(anchor.cert)) {
      if (std::string how = shared_ca_admission(anchor.cert, policy); !how.empty()) {
        out.push_back(make("CG101", anchor.source, host,
                           name + " is Cloudflare's shared origin-pull CA: every Cloudflare account's edge presents "
                                    "a certificate from it, and " + how +
                               ", so anyone can reach this origin through their own Cloudflare zone",
                           "use per-hostname Authenticated Origin Pulls with your own client certificate and trust "
                           "only its CA (or map it one-to-one) instead of the shared CA"));
      }
    }
    if (is_cloudflare_origin_ca(anchor.cert)) {
      out.push_back(make("CG102", anchor.source, host,
                         name + " is Cloudflare's Origin CA, which signs origin server certificates, not the client "
                                  "certificate Cloudflare's edge presents: origin pulls fail with 403.16",
                         "trust Cloudflare's origin-pull CA or your own AOP CA in client_ca; an Origin CA "
                         "certificate belongs in cert (the server chain)"));
    }
    if (info.ca != true && !info.self_signed) {
      out.push_back(make("CG103", anchor.source, host,
                         name + " is not a CA certificate (basicConstraints " +
                             (info.ca.has_value() ? std::string("CA:FALSE") : std::string("absent")) +
                             ") and not self-signed: it admits only itself, never a certificate issued under it",
                         "give the certificate of the CA that issued it (" +
                             quoted(rfc4514_name(X509_get_issuer_name(anchor.cert))) +
                             ") in client_ca instead, or pin this certificate with a one-to-one mapping"));
    }
    bool expiring = false;
    if (std::string problem = validity_problem(info, now, expiring); !problem.empty()) {
      if (expiring) {
        out.push_back(make("CG105", anchor.source, host,
                           name + " " + problem + "; after that every certificate under it is refused (403.17)",
                           "add the CA's next issue to client_ca now, next to the current one"));
      } else {
        out.push_back(make("CG104", anchor.source, host,
                           name + " " + problem + ": certificates under it are refused (403.17)",
                           "replace it with the CA's current issue (keep both only while rotating)"));
      }
    }
  }
  return out;
}

std::vector<core::Finding> lint_crl_coverage(const std::vector<AnchorRef>& anchors, const TrustStore& trust,
                                             const std::string& host) {
  std::vector<core::Finding> out;
  if (trust.crls().empty()) return out;
  for (const AnchorRef& anchor : anchors) {
    if (cert_info(anchor.cert).ca != true) continue;  // a pinned certificate issues nothing
    const X509_NAME* subject = X509_get_subject_name(anchor.cert);
    const bool covered = std::any_of(trust.crls().begin(), trust.crls().end(), [&](const X509CrlPtr& crl) {
      return X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), subject) == 0;
    });
    if (covered) continue;
    const std::string name = quoted(digest_of(anchor.cert).subject.rfc4514);
    out.push_back(make("CG107", anchor.source, host,
                       "CRLs are configured but none is issued by trust anchor " + name +
                           ": every certificate of a client's chain must be covered by its issuer's CRL, so every "
                           "client certificate under this anchor is refused (403.16, \"unable to get certificate "
                           "CRL: no CRL issued by " + name + " is loaded\")",
                       "add the CRL this CA publishes to crl, or trust it in a host block without crl (a CA that "
                       "publishes no CRL, such as Cloudflare's origin-pull CA, cannot be combined with CRLs)"));
  }
  return out;
}

std::vector<core::Finding> lint_one_to_one_chains(const core::MappingPolicy& policy, const TrustStore& trust,
                                                  std::int64_t now, const std::string& host) {
  std::vector<core::Finding> out;
  for (const core::OneToOneMapping& mapping : policy.one_to_one) {
    if (!mapping.enabled || mapping.der.empty()) continue;
    const std::string name = "one-to-one mapping " + quoted(mapping.name) + " (user " + quoted(mapping.user) + ")";
    const auto* p = reinterpret_cast<const unsigned char*>(mapping.der.data());
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(mapping.der.size())));
    if (!cert) {
      ERR_clear_error();
      core::Finding finding = make("CG121", "", host, name + ": the certificate does not parse as X.509",
                                   "paste the certificate's DER as base64 (certgate cert convert FILE --to iis-blob)");
      finding.where = mapping.where;
      out.push_back(std::move(finding));
      continue;
    }
    const core::VerifyResult result = trust.verify(cert.get(), nullptr, static_cast<std::time_t>(now));
    if (result.status == core::VerifyStatus::ok) {
      if (std::optional<core::Finding> expiring = edge_expiry(name, cert.get(), now, host)) {
        expiring->where = mapping.where;
        out.push_back(std::move(*expiring));
      }
      continue;
    }
    const std::string subject = digest_of(cert.get()).subject.rfc4514;
    std::string reason = result.reason;
    if (result.depth >= 0) reason += " at depth " + std::to_string(result.depth);
    // The client sends its intermediates; check has only the anchors, so say when one could complete the chain.
    if (result.code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY && trust.verify_depth() > 0) {
      reason += "; unless clients send an intermediate CA with it";
    }
    core::Finding finding;
    if (result.status == core::VerifyStatus::untrusted) {
      finding = make("CG121", "", host,
                     name + ": certificate " + quoted(subject) + " does not chain to a trust anchor of this block (" +
                         reason + "), so it is refused (403.16) before the mapping is consulted",
                     "add its issuing CA to client_ca, or remove the mapping");
    } else {
      finding = make("CG122", "", host,
                     name + ": certificate " + quoted(subject) + " cannot be presented successfully now (" + reason +
                         ")",
                     "map the certificate that replaced it (certgate cert show NEW.pem gives its IIS blob)");
    }
    finding.where = mapping.where;
    out.push_back(std::move(finding));
  }
  return out;
}

}  // namespace certgate::tls
