#include "tls/crl_lint.hpp"

#include <algorithm>
#include <ctime>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "core/compiled_policy.hpp"
#include "core/time_text.hpp"
#include "tls/digest.hpp"

namespace certgate::tls {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

core::Finding make(std::string code, core::Severity severity, const std::string& source, const std::string& host,
                   std::string message, std::string fix) {
  core::Finding finding;
  finding.code = std::move(code);
  finding.severity = severity;
  finding.where = core::SourcePos{source};
  if (!host.empty()) finding.hosts.push_back(host);
  finding.message = std::move(message);
  finding.fix = std::move(fix);
  return finding;
}

bool current_at(X509_CRL* crl, std::int64_t now) {
  const std::int64_t last = unix_seconds(X509_CRL_get0_lastUpdate(crl));
  const std::int64_t next = unix_seconds(X509_CRL_get0_nextUpdate(crl));
  return last <= now && (next == 0 || now <= next);
}

std::string next_update_text(X509_CRL* crl) {
  const std::int64_t next = unix_seconds(X509_CRL_get0_nextUpdate(crl));
  return next == 0 ? "no nextUpdate" : "nextUpdate " + core::format_utc(next);
}

struct TimeProblem {
  std::string text;     // "passed its nextUpdate on ... (3 days ago)", "" when current
  std::string openssl;  // what the refusal says
};

TimeProblem time_problem(X509_CRL* crl, std::int64_t now) {
  const std::int64_t last = unix_seconds(X509_CRL_get0_lastUpdate(crl));
  const std::int64_t next = unix_seconds(X509_CRL_get0_nextUpdate(crl));
  if (next != 0 && now > next) {
    return {"passed its nextUpdate on " + core::format_utc(next) + " (" +
                core::days_text(-core::days_until(now, next)) + " ago)",
            "CRL expired"};
  }
  if (last > now) return {"is not valid before its lastUpdate " + core::format_utc(last), "CRL is not yet valid"};
  return {};
}

// Every CN of a name (usually one).
std::vector<std::string> common_names(const X509_NAME* name) {
  std::vector<std::string> out;
  for (int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len >= 0) out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
  }
  ERR_clear_error();
  return out;
}

// "'CN=A', 'CN=B'": the issuers of the loaded CRLs.
std::string crl_names(const std::vector<CrlRef>& crls) {
  std::string out;
  for (const CrlRef& ref : crls) {
    const std::string name = quoted(rfc4514_name(X509_CRL_get_issuer(ref.crl)));
    if (out.find(name) == std::string::npos) out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

}  // namespace

std::vector<core::Finding> lint_crls(const std::vector<CrlRef>& crls, const std::vector<AnchorRef>& anchors,
                                     std::int64_t now, const std::string& host, bool stale_admits) {
  std::vector<core::Finding> out;
  for (const CrlRef& ref : crls) {
    const X509_NAME* issuer = X509_CRL_get_issuer(ref.crl);
    const std::string issuer_text = quoted(rfc4514_name(issuer));
    const std::string crl = "the CRL issued by " + issuer_text + " (" + next_update_text(ref.crl) + ")";

    if (const TimeProblem problem = time_problem(ref.crl, now); !problem.text.empty()) {
      // OpenSSL picks a current CRL of the same issuer over a stale one: only a stale CRL alone is a problem.
      const bool replaced = std::any_of(crls.begin(), crls.end(), [&](const CrlRef& other) {
        return other.crl != ref.crl && X509_NAME_cmp(X509_CRL_get_issuer(other.crl), issuer) == 0 &&
               current_at(other.crl, now);
      });
      if (!replaced) {
        const bool admits = stale_admits && problem.openssl == "CRL expired";
        out.push_back(make("CG108", core::Severity::warning, ref.source, host,
                           "the CRL issued by " + issuer_text + " " + problem.text +
                               ": every client certificate issued by " + issuer_text +
                               (admits ? " is admitted without current revocation data (crl_expired = \"warn\"; the "
                                         "revocations it lists still apply)"
                                       : " is refused (403.16, \"" + problem.openssl + "\")"),
                           "download the CA's current CRL (its CRL distribution point), replace " + ref.source +
                               " (serve reads it again within [limits] crl_check_interval, or at a reload by SIGHUP); renew it "
                               "automatically before each nextUpdate"));
      }
    }

    std::vector<const AnchorRef*> named;
    for (const AnchorRef& anchor : anchors) {
      if (X509_NAME_cmp(X509_get_subject_name(anchor.cert), issuer) == 0) named.push_back(&anchor);
    }
    if (named.empty()) {
      out.push_back(make("CG109", core::Severity::warning, ref.source, host,
                         crl + " is not issued by any trust anchor of this block: it applies only to certificates "
                               "issued by an intermediate CA " + issuer_text +
                               " that clients send with their certificate; no CA in client_ca gets a CRL from it",
                         "configure the CRL of the CA in client_ca that issues the client certificates; if " +
                             issuer_text + " is an intermediate that clients send, add it to client_ca too, so that "
                             "the chain does not depend on the client"));
      continue;
    }
    const bool signed_by_anchor = std::any_of(named.begin(), named.end(), [&](const AnchorRef* anchor) {
      EVP_PKEY* key = X509_get0_pubkey(anchor->cert);
      const bool ok = key != nullptr && X509_CRL_verify(ref.crl, key) == 1;
      ERR_clear_error();
      return ok;
    });
    if (!signed_by_anchor) {
      out.push_back(make("CG109", core::Severity::warning, ref.source, host,
                         crl + " names trust anchor " + issuer_text + " (" + named.front()->source +
                             ") as its issuer, but is not signed by that CA's key: every client certificate issued "
                             "by it is refused (403.16, \"CRL signature failure\")",
                         "configure the CRL this CA published (signed by the same key as its certificate in "
                         "client_ca): another CA with the same name, or a CRL from before a key change, is not it"));
    }
  }
  return out;
}

std::vector<core::Finding> lint_mapped_issuers_without_crl(const core::MappingPolicy& policy,
                                                           const std::vector<CrlRef>& crls,
                                                           const std::vector<AnchorRef>& anchors,
                                                           const std::string& host) {
  std::vector<core::Finding> out;
  if (crls.empty() || !policy.many_to_one_enabled) return out;
  // The CNs of every CA check knows: the anchors, and the issuers of the loaded CRLs.
  std::vector<std::string> known;
  for (const AnchorRef& anchor : anchors) {
    for (std::string& cn : common_names(X509_get_subject_name(anchor.cert))) known.push_back(std::move(cn));
  }
  for (const CrlRef& ref : crls) {
    for (std::string& cn : common_names(X509_CRL_get_issuer(ref.crl))) known.push_back(std::move(cn));
  }
  for (const core::ManyToOneMapping& mapping : policy.many_to_one) {
    if (!mapping.enabled || mapping.permission != core::Permission::allow) continue;
    for (const core::MappingRule& rule : mapping.rules) {
      if (rule.field != core::RuleField::issuer || core::subfield_oid(rule.subfield) != "2.5.4.3") continue;
      const core::WildcardPattern pattern = core::WildcardPattern::parse(rule.match, rule.case_sensitive);
      if (pattern.kind == core::WildcardPattern::Kind::any) continue;
      const bool covered = std::any_of(known.begin(), known.end(), [&](const std::string& cn) {
        return pattern.matches(cn);
      });
      if (covered) continue;
      core::Finding finding = make(
          "CG123", core::Severity::warning, "", host,
          "mapping " + quoted(mapping.name) + " admits certificates issued by CN " + quoted(rule.match) +
              ", a CA that is not in client_ca and has no CRL loaded (the CRLs are for " + crl_names(crls) +
              "): every CA of a client's chain must have its CRL loaded, so every such certificate is refused "
              "(403.16, \"unable to get certificate CRL\")",
          "add the CRL of the intermediate CA " + quoted(rule.match) + " to crl (and the CA certificate to "
          "client_ca, so that check can verify the CRL)");
      finding.where = rule.where.to_string().empty() ? mapping.where : rule.where;
      out.push_back(std::move(finding));
    }
  }
  return out;
}

std::vector<core::Finding> lint_skipped_anchors(const TrustStore& trust, const std::string& host) {
  std::vector<core::Finding> out;
  for (const TrustStore::SkippedCert& skipped : trust.skipped()) {
    out.push_back(make("CG110", core::Severity::note, skipped.file, host,
                       "the PKCS#7 bundle holds certificate " +
                           quoted(rfc4514_name(X509_get_subject_name(skipped.cert.get()))) +
                           ", which is not a CA: it is not used as a trust anchor (its CA certificates are)",
                       "nothing to do if the bundle is the chain of a client certificate; to admit exactly that "
                       "certificate, map it one-to-one"));
  }
  return out;
}

}  // namespace certgate::tls
