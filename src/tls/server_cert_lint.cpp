#include "tls/server_cert_lint.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "core/ascii.hpp"
#include "core/time_text.hpp"
#include "tls/digest.hpp"
#include "tls/server_credentials.hpp"

namespace certgate::tls {
namespace {

constexpr std::int64_t kExpiryWarningDays = 30;

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

core::Finding make(std::string code, const config::HostPolicy& block, std::string message, std::string fix) {
  core::Finding finding;
  finding.code = std::move(code);
  finding.severity = core::Severity::warning;
  finding.where = core::SourcePos{block.tls.cert_file};
  finding.hosts.push_back(block.name);
  finding.message = std::move(message);
  finding.fix = std::move(fix);
  return finding;
}

std::string names_of(const core::CertDigest& digest) {
  std::string names;
  for (const std::string& name : digest.dns_names) names += (names.empty() ? "" : ", ") + name;
  return names.empty() ? "no DNS names" : names;
}

}  // namespace

bool certificate_covers(X509* cert, const std::string& server_name) {
  const std::string wanted = core::ascii::lower_copy(server_name);
  if (wanted.starts_with("*.")) {
    // Only the same wildcard covers every name a "*.example.com" block serves.
    for (const std::string& name : digest_of(cert).dns_names) {
      if (core::ascii::lower_copy(name) == wanted) return true;
    }
    return false;
  }
  const int result = X509_check_host(cert, wanted.data(), wanted.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr);
  ERR_clear_error();
  return result == 1;
}

std::vector<core::Finding> lint_server_certificate(X509* leaf, EVP_PKEY* key, const config::HostPolicy& block,
                                                   std::int64_t now) {
  std::vector<core::Finding> out;
  if (leaf == nullptr) return out;
  const core::CertDigest digest = digest_of(leaf);
  const std::string cert = "server certificate " + quoted(digest.subject.rfc4514);

  if (std::string mismatch = key_mismatch(block.tls.cert_file, leaf, block.tls.key_file, key); !mismatch.empty()) {
    core::Finding finding = make("CG003", block, mismatch + ": serve refuses to start", kKeyMismatchFix);
    finding.severity = core::Severity::error;
    out.push_back(std::move(finding));
  }

  if (digest.not_after != 0 && digest.not_after < now) {
    out.push_back(make("CG111", block,
                       cert + " expired on " + core::format_utc(digest.not_after) + " (" +
                           core::days_text(-core::days_until(now, digest.not_after)) +
                           " ago): Cloudflare (Full strict) and other clients refuse the connection (526)",
                       "renew it (for Cloudflare, e.g. a new Origin CA certificate) and point cert at it"));
  } else if (digest.not_before != 0 && digest.not_before > now) {
    out.push_back(make("CG111", block, cert + " is not valid before " + core::format_utc(digest.not_before),
                       "use a certificate that is valid now"));
  } else if (digest.not_after != 0 && core::days_until(now, digest.not_after) < kExpiryWarningDays) {
    out.push_back(make("CG112", block,
                       cert + " expires on " + core::format_utc(digest.not_after) + " (in " +
                           core::days_text(core::days_until(now, digest.not_after)) + ")",
                       "renew it now and reload (SIGHUP)"));
  }

  for (const std::string& name : block.server_names) {
    if (certificate_covers(leaf, name)) continue;
    out.push_back(make("CG113", block,
                       cert + " does not cover host name " + quoted(name) + " of this block (it has " +
                           names_of(digest) + "): clients that check the name refuse it",
                       "issue a certificate with " + quoted(name) + " in its subjectAltName, or give the block its "
                       "own cert and key"));
  }
  return out;
}

}  // namespace certgate::tls
