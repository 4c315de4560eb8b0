#include "tls/config_check.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "config/config_error.hpp"
#include "core/compiled_policy.hpp"
#include "core/policy_lint.hpp"
#include "tls/anchor_lint.hpp"
#include "tls/cert_loader.hpp"
#include "tls/crl_lint.hpp"
#include "tls/server_cert_lint.hpp"
#include "tls/server_credentials.hpp"
#include "tls/ticket_keys.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {
namespace {

core::Finding error(std::string code, const core::SourcePos& where, const std::string& host, std::string message,
                    std::string fix) {
  core::Finding finding;
  finding.code = std::move(code);
  finding.severity = core::Severity::error;
  finding.where = where;
  finding.hosts.push_back(host);
  finding.message = std::move(message);
  finding.fix = std::move(fix);
  return finding;
}

void append(std::vector<core::Finding>& out, std::vector<core::Finding> more) {
  for (core::Finding& finding : more) out.push_back(std::move(finding));
}

// A load failure names its file; the position stays empty so that blocks sharing the file merge.
core::Finding load_error(const std::string& host, const std::exception& e) {
  if (const auto* load = dynamic_cast<const LoadError*>(&e); load != nullptr && !load->fix().empty()) {
    return error("CG002", {}, host, load->problem(), load->fix());
  }
  return error("CG002", {}, host, e.what(), "fix the path or the file (PEM, DER, PKCS#7, PKCS#12 or IIS blob)");
}

// CG130: a ticket key anyone else on the host can read lets them resume a session as any client certificate.
std::vector<core::Finding> lint_ticket_key_modes(const std::vector<config::TicketKeyFile>& files,
                                                 const std::string& host) {
  std::vector<core::Finding> out;
  for (const config::TicketKeyFile& file : files) {
    struct stat st {};
    if (::stat(file.path.c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    core::Finding finding = error("CG130", file.where, host,
                                  "session ticket key file '" + file.path + "' is readable by group or others (mode " +
                                      mode + "): whoever reads it can resume a session as any client certificate",
                                  "chmod 600 " + file.path + " (owned by the user certgate runs as)");
    finding.severity = core::Severity::warning;
    out.push_back(std::move(finding));
  }
  return out;
}

void check_block(const config::HostPolicy& block, std::int64_t now, std::vector<core::Finding>& out) {
  const config::TlsSettings& tls = block.tls;
  core::PolicyContext context{block.name,      tls.where,       tls.mode_where, !tls.client_ca.empty(),
                              tls.enforcement, tls.enforce_where};
  std::vector<core::Finding> policy_findings = core::lint_policy(block.mapping, tls.mode, context);
  bool policy_error = false;
  for (const core::Finding& finding : policy_findings) policy_error |= finding.severity == core::Severity::error;
  append(out, std::move(policy_findings));

  std::shared_ptr<const core::CompiledPolicy> compiled;
  try {
    compiled = core::CompiledPolicy::compile(block.mapping, tls.mode, nullptr, tls.enforcement);
  } catch (const std::invalid_argument& e) {
    if (!policy_error) out.push_back(error("CG001", block.where, block.name, e.what(), "correct the mapping"));
  }

  // Anchors one client_ca entry at a time, so that each finding can name the file it came from.
  std::vector<std::shared_ptr<const TrustStore>> per_entry;
  std::vector<AnchorRef> anchors;
  bool anchors_loaded = true;
  for (const std::string& entry : tls.client_ca) {
    try {
      per_entry.push_back(TrustStore::load({entry}, {}, tls.verify_depth));
      for (const X509Ptr& cert : per_entry.back()->anchors()) anchors.push_back(AnchorRef{entry, cert.get()});
    } catch (const std::exception& e) {
      out.push_back(load_error(block.name, e));
      anchors_loaded = false;
    }
  }
  std::shared_ptr<const TrustStore> trust;
  if (anchors_loaded) {
    try {
      trust = TrustStore::load(tls.client_ca, tls.crl, tls.verify_depth,  // as serve builds it
                               tls.crl_expired == config::CrlExpired::warn);
    } catch (const std::exception& e) {
      out.push_back(load_error(block.name, e));  // a CRL: the anchors loaded above
    }
  }
  if (compiled && anchors_loaded) append(out, lint_anchors(anchors, *compiled, now, block.name));
  if (trust && anchors_loaded) {
    append(out, lint_crl_coverage(anchors, *trust, block.name));
    append(out, lint_skipped_anchors(*trust, block.name));
    // Each CRL with the file it came from (the store loaded them all above, so none fails here).
    std::vector<std::vector<X509CrlPtr>> per_file;
    std::vector<CrlRef> crls;
    try {
      for (const std::string& file : tls.crl) {
        per_file.push_back(load_crls(file));
        for (const X509CrlPtr& crl : per_file.back()) crls.push_back(CrlRef{file, crl.get()});
      }
    } catch (const std::exception& e) {
      out.push_back(load_error(block.name, e));  // the file changed since the store read it
    }
    append(out, lint_crls(crls, anchors, now, block.name, tls.crl_expired == config::CrlExpired::warn));
    if (tls.mode != core::ClientCertMode::ignore) {
      append(out, lint_mapped_issuers_without_crl(block.mapping, crls, anchors, block.name));
    }
  }
  const bool one_to_one_consulted = tls.mode != core::ClientCertMode::ignore && block.mapping.one_to_one_enabled;
  if (trust && !trust->empty() && one_to_one_consulted) {
    append(out, lint_one_to_one_chains(block.mapping, *trust, now, block.name));
  }

  if (tls.cert_file.empty()) return;
  X509Ptr leaf;
  EvpPkeyPtr key;
  try {
    leaf = std::move(load_server_chain(tls.cert_file).front());
  } catch (const std::exception& e) {
    out.push_back(load_error(block.name, e));
  }
  if (!tls.key_file.empty()) {
    try {
      key = load_server_key(tls.key_file);
    } catch (const std::exception& e) {
      out.push_back(load_error(block.name, e));
    }
  }
  if (leaf) append(out, lint_server_certificate(leaf.get(), key.get(), block, now));
}

}  // namespace

std::vector<core::Finding> check_config(const config::GatewayConfig& config, std::int64_t now) {
  std::vector<core::Finding> out;
  check_block(config.default_host, now, out);
  for (const config::HostPolicy& host : config.hosts) check_block(host, now, out);
  try {
    TicketKeys::load(config.session_ticket_keys);  // as serve reads them
  } catch (const config::ConfigError& e) {
    out.push_back(error("CG002", e.where(), config.default_host.name, e.message(),
                        "give files of 80 random bytes (openssl rand 80 > FILE), each with its own key"));
  }
  append(out, lint_ticket_key_modes(config.session_ticket_keys, config.default_host.name));
  return core::merge_findings(std::move(out));
}

}  // namespace certgate::tls
