// certgate pki: a CA of one's own for Cloudflare's per-hostname Authenticated Origin Pulls, the edge client
// certificates it issues, their rotation and retirement, and what to do next on Cloudflare and in certgate.
#include "cli/pki.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>

#include "cli/config_flags.hpp"
#include "cli/evaluation_time.hpp"
#include "cli/pki_entry_json.hpp"
#include "cli/pki_next_steps.hpp"
#include "config/names.hpp"
#include "core/time_text.hpp"
#include "tls/digest.hpp"
#include "tls/pki_generator.hpp"
#include "tls/pki_store.hpp"

namespace certgate::cli {
namespace {

struct PkiOptions {
  std::string dir;
  std::string key = "ec-p256";
  std::optional<int> days;
  std::string name = "certgate AOP client CA";
  bool rotate = false;
  std::string hostname;
  std::string id;
  bool json = false;
  std::optional<std::string> at;
  NextStepsOptions next;
};

int usage(const std::string& message) {
  std::cerr << "certgate: " << message << "\n";
  return kExitUsage;
}

// A DNS name Cloudflare can send a certificate for: lower-cased, LDH labels, at least two, no wildcard (a
// per-hostname association names one hostname).
std::optional<std::string> edge_hostname(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  if (name.find('*') != std::string::npos || name.find('.') == std::string::npos) return std::nullopt;
  if (!config::is_server_name(name)) return std::nullopt;
  return name;
}

std::int64_t validity_seconds(int days) { return static_cast<std::int64_t>(days) * 86400; }

void print_steps(const nlohmann::ordered_json& steps, bool json) {
  if (json)
    std::cout << steps.dump(2) << "\n";
  else
    std::cout << next_steps_text(steps);
}

int run_init(const PkiOptions& o) {
  const auto key = tls::key_type_named(o.key);
  if (!key) return usage("--key: '" + o.key + "' is not one of ec-p256, ec-p384, rsa-2048, rsa-3072");
  const int days = o.days.value_or(3650);
  if (days < 1) return usage("--days must be at least 1");
  tls::PkiStore store(o.dir);
  const auto active = store.active_cas();
  if (!active.empty() && !o.rotate)
    return usage(store.dir() + " already has an active CA (" + active.back().id +
                 "); nothing written. To add a second CA for a rotation, give --rotate");
  tls::CertSpec spec;
  spec.subject = {{"CN", o.name}};
  spec.is_ca = true;
  spec.path_len = 0;
  spec.key_type = *key;
  spec.not_before_offset = -300;
  spec.not_after_offset = validity_seconds(days);
  const tls::Issued ca = tls::issue_certificate(spec, nullptr);
  const tls::PkiEntry entry = store.add_ca(ca);
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  if (o.json) {
    nlohmann::ordered_json out = {{"ca", pki_entry_json(entry, now)},
                                  {"bundle", store.bundle_path()},
                                  {"active_cas", static_cast<int>(store.active_cas().size())}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "CA " << entry.id << " (" << entry.digest.subject.rfc4514 << "), valid until "
            << core::format_utc(entry.digest.not_after) << "\n"
            << "  certificate: " << entry.cert_path << "\n"
            << "  key:         " << entry.key_path << " (mode 0600)\n"
            << "  trust bundle: " << store.bundle_path() << " (" << store.active_cas().size() << " active CA"
            << (store.active_cas().size() == 1 ? "" : "s") << ")\n"
            << "Next: certgate pki issue --dir " << store.dir() << " --hostname HOSTNAME\n";
  return kExitOk;
}

int run_issue(const PkiOptions& o) {
  const auto hostname = edge_hostname(o.hostname);
  if (!hostname)
    return usage("--hostname: '" + o.hostname + "' is not a DNS host name (e.g. www.example.com; no wildcard)");
  const auto key = tls::key_type_named(o.key);
  if (!key) return usage("--key: '" + o.key + "' is not one of ec-p256, ec-p384, rsa-2048, rsa-3072");
  const int days = o.days.value_or(365);
  if (days < 1) return usage("--days must be at least 1");
  tls::PkiStore store(o.dir);
  tls::Issued ca;
  try {
    ca = store.newest_ca();
  } catch (const std::exception& e) {
    return usage(e.what());
  }
  // A certificate outliving its CA would stop verifying at the origin on the CA's last day, unannounced.
  const std::int64_t ca_end = tls::digest_of(ca.cert.get()).not_after;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  if (now + validity_seconds(days) > ca_end)
    return usage("the newest CA expires " + core::format_utc(ca_end) + ", before " + std::to_string(days) +
                 " days from now; give a smaller --days, or rotate the CA first (pki init --rotate)");
  tls::CertSpec spec;
  spec.subject = {{"CN", *hostname}};
  spec.dns_names = {*hostname};
  spec.client_auth = true;
  spec.key_type = *key;
  spec.not_before_offset = -300;
  spec.not_after_offset = validity_seconds(days);
  const tls::Issued leaf = tls::issue_certificate(spec, &ca);
  const std::string body = upload_body(tls::cert_pem(leaf.cert.get()), tls::private_key_pem(leaf.key.get()));
  const tls::PkiEntry entry = store.add_edge(*hostname, leaf, ca.cert.get(), body);
  if (!o.json)
    std::cout << "Edge certificate " << entry.id << " for " << *hostname << ", valid until "
              << core::format_utc(entry.digest.not_after) << "\n"
              << "  certificate: " << entry.cert_path << " (leaf, then CA)\n"
              << "  key:         " << entry.key_path << " (mode 0600)\n"
              << "  upload body: " << entry.upload_body_path << " (mode 0600; holds the key)\n\n";
  print_steps(next_steps_json(store, *hostname, &entry, o.next), o.json);
  return kExitOk;
}

int run_retire(const PkiOptions& o) {
  tls::PkiStore store(o.dir);
  tls::PkiEntry retired;
  try {
    retired = store.retire(o.id);
  } catch (const std::exception& e) {
    return usage(e.what());
  }
  std::vector<std::string> hostnames;
  if (!retired.is_ca) {
    hostnames.push_back(retired.hostname);
  } else {
    for (const tls::PkiEntry& e : store.entries())
      if (!e.is_ca && !e.retired && std::find(hostnames.begin(), hostnames.end(), e.hostname) == hostnames.end())
        hostnames.push_back(e.hostname);
  }
  if (o.json) {
    nlohmann::ordered_json out = {{"retired", pki_entry_json(retired, std::time(nullptr))},
                                  {"next_steps", nlohmann::ordered_json::array()}};
    for (const auto& h : hostnames) out["next_steps"].push_back(next_steps_json(store, h, nullptr, o.next));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Retired " << (retired.is_ca ? "CA " : "edge certificate ") << retired.id
            << (retired.is_ca ? "" : " of " + retired.hostname) << "; files kept in "
            << retired.cert_path.substr(0, retired.cert_path.rfind('/')) << "\n";
  if (retired.is_ca) std::cout << "Trust bundle rewritten: " << store.bundle_path() << " (reload certgate)\n";
  if (!retired.is_ca)
    std::cout << "On Cloudflare, once the new certificate is enabled, delete the old one:\n"
              << "curl -sS -X DELETE \"https://api.cloudflare.com/client/v4/zones/$ZONE_ID/origin_tls_client_auth/"
                 "hostnames/certificates/$OLD_CERT_ID\" \\\n  -H \"Authorization: Bearer $CLOUDFLARE_API_TOKEN\"\n";
  for (const auto& h : hostnames) {
    const auto steps = next_steps_json(store, h, nullptr, o.next);
    std::cout << "\ncertgate configuration for " << h << " (then reload):\n\n" << steps["config"]["toml"].get<std::string>();
  }
  return kExitOk;
}

int run_status(const PkiOptions& o) {
  const auto now = evaluation_time(o.at);
  if (!now) return kExitUsage;
  tls::PkiStore store(o.dir);
  const auto entries = store.entries();
  int warnings = 0;
  for (const auto& e : entries) warnings += pki_warnings(e, *now).empty() ? 0 : 1;
  if (o.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& e : entries) list.push_back(pki_entry_json(e, *now));
    nlohmann::ordered_json out = {{"dir", store.dir()},
                                  {"evaluated_at", core::format_utc(*now)},
                                  {"bundle", store.bundle_path()},
                                  {"entries", list},
                                  {"warnings", warnings}};
    std::cout << out.dump(2) << "\n";
    return warnings ? kExitFinding : kExitOk;
  }
  std::cout << store.dir() << " (evaluated at " << core::format_utc(*now) << ")\n";
  if (entries.empty()) std::cout << "  nothing issued\n";
  for (const auto& e : entries) {
    std::cout << "  " << (e.is_ca ? "CA  " : "edge") << " " << e.id << "  " << pki_state(e, *now) << "  "
              << (e.is_ca ? e.digest.subject.rfc4514 : e.hostname) << "  serial " << e.digest.serial_hex << "\n"
              << "       sha256 " << e.digest.sha256_hex << "\n"
              << "       " << core::format_utc(e.digest.not_before) << " .. " << core::format_utc(e.digest.not_after)
              << " (" << pki_days_left(e, *now) << " days left)"
              << (e.is_ca ? "" : e.issuer_id.empty() ? ", issuer not in this directory" : ", issued by CA " + e.issuer_id)
              << "\n";
    const auto marks = pki_warnings(e, *now);
    if (!marks.empty())
      std::cout << "       warning: expires within " << marks.back() << " days (Cloudflare alerts at 30 and 14)\n";
  }
  return warnings ? kExitFinding : kExitOk;
}

int guarded(int (*run)(const PkiOptions&), const PkiOptions& o) {
  try {
    return run(o);
  } catch (const std::exception& e) {
    return usage(e.what());
  }
}

void add_dir(CLI::App* app, PkiOptions& o) {
  app->add_option("--dir", o.dir, "the pki directory (layout in docs/tools.md)")->required();
}

void add_next_options(CLI::App* app, PkiOptions& o) {
  app->add_option("--user", o.next.user, "identity of the edge in the printed mapping (default cloudflare-edge)");
  app->add_flag("--enforce", o.next.enforce, "print enforce = true (default: report-only, enforce = false)");
  app->add_flag("--json", o.json, "one JSON object (schema in docs/tools.md)");
}

}  // namespace

void register_pki(CLI::App& app, int* exit_code) {
  CLI::App* pki = app.add_subcommand("pki", "your own CA and edge certificates for Cloudflare per-hostname AOP");
  pki->require_subcommand(1);
  pki->footer(R"(Examples:
  certgate pki init --dir /etc/certgate/aop
  certgate pki issue --dir /etc/certgate/aop --hostname www.example.com
  certgate pki status --dir /etc/certgate/aop
  certgate pki retire --dir /etc/certgate/aop --cert ID)");

  auto init_o = std::make_shared<PkiOptions>();
  CLI::App* init = pki->add_subcommand("init", "make a CA for edge client certificates");
  add_dir(init, *init_o);
  init->add_option("--key", init_o->key, "ec-p256 (default), ec-p384, rsa-2048, rsa-3072");
  init->add_option("--days", init_o->days, "validity in days (default 3650)");
  init->add_option("--name", init_o->name, "subject CN (default \"certgate AOP client CA\")");
  init->add_flag("--rotate", init_o->rotate, "add a second active CA (CA rotation)");
  init->add_flag("--json", init_o->json, "one JSON object (schema in docs/tools.md)");
  init->footer("Exit status: 0 made, 2 refused (an active CA exists without --rotate) or bad option.");
  init->callback([init_o, exit_code] { *exit_code = guarded(run_init, *init_o); });

  auto issue_o = std::make_shared<PkiOptions>();
  issue_o->key = "ec-p256";
  CLI::App* issue = pki->add_subcommand("issue", "issue an edge client certificate for a hostname");
  add_dir(issue, *issue_o);
  issue->add_option("--hostname", issue_o->hostname, "the proxied hostname, e.g. www.example.com")->required();
  issue->add_option("--days", issue_o->days, "validity in days (default 365)");
  issue->add_option("--key", issue_o->key, "ec-p256 (default), ec-p384, rsa-2048, rsa-3072");
  add_next_options(issue, *issue_o);
  issue->footer("Issuing again for a hostname is a rotation: both certificates stay active until one is retired.\n"
                "Exit status: 0 issued, 2 no active CA, bad hostname or bad option.");
  issue->callback([issue_o, exit_code] { *exit_code = guarded(run_issue, *issue_o); });

  auto retire_o = std::make_shared<PkiOptions>();
  CLI::App* retire = pki->add_subcommand("retire", "retire an edge certificate or a CA (files move to retired/)");
  add_dir(retire, *retire_o);
  retire->add_option("--cert", retire_o->id, "the id `pki status` shows")->required();
  add_next_options(retire, *retire_o);
  retire->callback([retire_o, exit_code] { *exit_code = guarded(run_retire, *retire_o); });

  auto status_o = std::make_shared<PkiOptions>();
  CLI::App* status = pki->add_subcommand("status", "what is issued, what expires when, which hostnames each serves");
  add_dir(status, *status_o);
  status->add_flag("--json", status_o->json, "one JSON object (schema in docs/tools.md)");
  add_at_option(*status, status_o->at);
  status->footer("Exit status: 0 nothing expires within 30 days, 1 a warning, 2 unreadable directory or bad option.");
  status->callback([status_o, exit_code] { *exit_code = guarded(run_status, *status_o); });
}

}  // namespace certgate::cli
