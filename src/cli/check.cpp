// certgate check: the configuration as serve would load and build it, without binding anything, and
// every finding with a stable code and a one-line fix.
#include "cli/check.hpp"

#include <algorithm>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/config_flags.hpp"
#include "cli/evaluation_time.hpp"
#include "config/config_error.hpp"
#include "core/mapping_mode.hpp"
#include "core/time_text.hpp"
#include "tls/config_check.hpp"
#include "tls/server_tls.hpp"

namespace certgate::cli {
namespace {

struct CheckOptions {
  config::Overrides overrides;
  std::optional<std::string> at;
  bool json = false;
};

// What one host block's mapping does with a verified certificate (mapped / chain-only / none).
struct BlockMode {
  const config::HostPolicy* block;
  core::MappingMode mapping;
  std::string text;
};

std::vector<BlockMode> block_modes(const config::GatewayConfig& config) {
  std::vector<BlockMode> out;
  auto add = [&](const config::HostPolicy& block) {
    out.push_back({&block, core::mapping_mode(block.mapping), core::describe_mapping_mode(block.mapping, block.tls.mode)});
  };
  add(config.default_host);
  for (const config::HostPolicy& host : config.hosts) add(host);
  return out;
}

core::Finding finding(std::string code, core::Severity severity, core::SourcePos where, std::string message,
                      std::string fix) {
  core::Finding f;
  f.code = std::move(code);
  f.severity = severity;
  f.where = std::move(where);
  f.message = std::move(message);
  f.fix = std::move(fix);
  return f;
}

core::Finding config_error(const std::exception& e) {
  if (const auto* error = dynamic_cast<const config::ConfigError*>(&e)) {
    return finding("CG001", core::Severity::error, error->where(), error->message(),
                   "correct the configuration at that position (docs/config.md lists every key)");
  }
  return finding("CG001", core::Severity::error, {}, e.what(), "correct the configuration (docs/config.md)");
}

// What serve needs beyond the policy: listen address, upstream, server certificate and key. Missing ones
// are a note (check is also used on a policy alone); anything else serve would refuse is an error.
void check_serve_readiness(const config::Overrides& overrides, std::vector<core::Finding>& findings) {
  config::GatewayConfig serve_config;
  try {
    serve_config = config::load_config(overrides, config::Purpose::serve);
  } catch (const config::ConfigError& e) {
    findings.push_back(finding("CG009", core::Severity::note, e.where(),
                               "not enough to serve (checked as a policy only): " + e.message(),
                               "add it to the configuration, or pass it as a flag to serve"));
    return;
  }
  for (const core::Finding& f : findings) {
    if (f.severity == core::Severity::error) return;  // already explained more precisely
  }
  try {
    tls::ServerTls::build(serve_config, 0);
  } catch (const std::exception& e) {
    findings.push_back(finding("CG004", core::Severity::error, {}, std::string("serve would refuse: ") + e.what(),
                               "fix the named file or setting"));
  }
}

// How each block's IIS files were read (a fragment, the location chosen, the pieces merged): notes.
std::vector<core::Finding> iis_notes(const config::GatewayConfig& config) {
  std::vector<core::Finding> out;
  auto add = [&](const config::HostPolicy& block) {
    for (const config::ConfigNote& note : block.notes) {
      core::Finding f = finding("CG010", core::Severity::note, note.where, note.message,
                                "none needed if this is what IIS serves; --iis-location (or iis_location in "
                                "[mapping]) reads another location");
      f.hosts = {block.name};
      out.push_back(std::move(f));
    }
  };
  add(config.default_host);
  for (const config::HostPolicy& host : config.hosts) add(host);
  return core::merge_findings(std::move(out));
}

// CG011: a block whose alpn leaves out h2 serves HTTP/1.1 only (docs/config.md, alpn): a note, as it may be meant.
std::vector<core::Finding> alpn_notes(const config::GatewayConfig& config) {
  std::vector<core::Finding> out;
  auto add = [&](const config::HostPolicy& block) {
    const std::vector<std::string>& alpn = block.tls.alpn;
    if (std::find(alpn.begin(), alpn.end(), "h2") != alpn.end()) return;
    core::Finding f = finding("CG011", core::Severity::note,
                              block.tls.alpn_where.file.empty() ? block.tls.where : block.tls.alpn_where,
                              "HTTP/2 is off for this block: Cloudflare will connect with HTTP/1.1",
                              "none needed if HTTP/1.1 is meant; otherwise add \"h2\" to alpn");
    f.hosts = {block.name};
    out.push_back(std::move(f));
  };
  add(config.default_host);
  for (const config::HostPolicy& host : config.hosts) add(host);
  return core::merge_findings(std::move(out));
}

// Where each mapping of an IIS-read block came from (file:line:column), one line each.
void print_mapping_sources(const config::HostPolicy& block) {
  if (!block.iis) return;
  for (const core::OneToOneMapping& one : block.mapping.one_to_one) {
    std::cout << "  one-to-one '" << one.name << "' (user " << one.user << "): " << one.where.to_string() << "\n";
  }
  for (const core::ManyToOneMapping& many : block.mapping.many_to_one) {
    std::cout << "  many-to-one '" << many.name << "': " << many.where.to_string() << "\n";
  }
}

std::string hosts_text(const core::Finding& f) {
  std::string text;
  for (const std::string& host : f.hosts) text += (text.empty() ? "" : ", ") + host;
  return text.empty() ? "" : " [" + text + "]";
}

void print_text(const std::vector<BlockMode>& blocks, const std::vector<core::Finding>& findings, int errors,
                int warnings, int notes) {
  for (const BlockMode& mode : blocks) {
    std::cout << "mapping [" << mode.block->name << "]: " << mode.text << "\n";
    print_mapping_sources(*mode.block);
  }
  for (const core::Finding& f : findings) {
    const std::string where = f.where.to_string();
    std::cout << (where.empty() ? "" : where + ": ") << core::to_string(f.severity) << " " << f.code << hosts_text(f)
              << ": " << f.message << "\n"
              << "  fix: " << f.fix << "\n";
  }
  if (errors + warnings == 0) {
    std::cout << "check: no errors, no warnings" << (notes > 0 ? " (" + std::to_string(notes) + " note" +
                                                                     (notes == 1 ? "" : "s") + ")"
                                                               : std::string())
              << "\n";
    return;
  }
  std::cout << "check: " << errors << (errors == 1 ? " error, " : " errors, ") << warnings
            << (warnings == 1 ? " warning" : " warnings") << "\n";
}

nlohmann::ordered_json mapping_sources_json(const core::MappingPolicy& mapping) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const core::OneToOneMapping& one : mapping.one_to_one) {
    out.push_back({{"kind", "one_to_one"}, {"name", one.name}, {"position", one.where.to_string()}});
  }
  for (const core::ManyToOneMapping& many : mapping.many_to_one) {
    out.push_back({{"kind", "many_to_one"}, {"name", many.name}, {"position", many.where.to_string()}});
  }
  return out;
}

nlohmann::ordered_json findings_json(const std::vector<BlockMode>& blocks, const std::vector<core::Finding>& findings,
                                     int errors, int warnings, int notes, std::int64_t now) {
  nlohmann::ordered_json block_list = nlohmann::ordered_json::array();
  for (const BlockMode& mode : blocks) {
    const core::MappingPolicy& mapping = mode.block->mapping;
    block_list.push_back({{"block", mode.block->name},
                          {"server_names", mode.block->server_names},
                          {"mode", core::to_string(mode.block->tls.mode)},
                          {"mapping_mode", core::to_string(mode.mapping)},
                          {"mappings", mapping.one_to_one.size() + mapping.many_to_one.size()},
                          {"mappings_in_force", core::mappings_in_force(mapping)},
                          {"mapping", mode.text},
                          {"mapping_sources", mapping_sources_json(mapping)}});
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const core::Finding& f : findings) {
    list.push_back({{"code", f.code},
                    {"severity", core::to_string(f.severity)},
                    {"position", f.where.to_string()},
                    {"file", f.where.file},
                    {"line", f.where.line},
                    {"column", f.where.column},
                    {"hosts", f.hosts},
                    {"message", f.message},
                    {"fix", f.fix}});
  }
  return {{"evaluated_at", core::format_utc(now)},
          {"blocks", std::move(block_list)},
          {"findings", std::move(list)},
          {"summary", {{"errors", errors}, {"warnings", warnings}, {"notes", notes}}}};
}

int run_check(const CheckOptions& opts) {
  const auto now = evaluation_time(opts.at);
  if (!now) return kExitUsage;

  std::vector<core::Finding> findings;
  std::optional<config::GatewayConfig> config;
  std::vector<BlockMode> blocks;
  try {
    config = config::load_config(opts.overrides, config::Purpose::inspect);
    blocks = block_modes(*config);
    findings = iis_notes(*config);
    for (core::Finding& f : alpn_notes(*config)) findings.push_back(std::move(f));
    for (core::Finding& f : tls::check_config(*config, *now)) findings.push_back(std::move(f));
    check_serve_readiness(opts.overrides, findings);
  } catch (const std::exception& e) {
    findings.push_back(config_error(e));
  }

  int errors = 0, warnings = 0, notes = 0;
  for (const core::Finding& f : findings) {
    switch (f.severity) {
      case core::Severity::error: ++errors; break;
      case core::Severity::warning: ++warnings; break;
      case core::Severity::note: ++notes; break;
    }
  }
  if (opts.json) {
    std::cout << findings_json(blocks, findings, errors, warnings, notes, *now).dump(2) << "\n";
  } else {
    print_text(blocks, findings, errors, warnings, notes);
  }
  if (errors > 0) return kExitUsage;
  return warnings > 0 ? kExitFinding : kExitOk;
}

}  // namespace

void register_check(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* sub = app.add_subcommand(
      "check", "load the configuration as serve would (without binding) and report errors and risky settings");
  add_config_flags(*sub, opts->overrides);
  add_at_option(*sub, opts->at);
  sub->add_flag("--json", opts->json, "machine-readable output (fields in docs/tools.md)");
  sub->footer(R"(Examples:
  certgate check -c certgate.toml
  certgate check --iis-config web.config --client-ca origin-pull-ca.pem --mode require
  certgate check -c certgate.toml --at 2029-10-01      # what will have expired by then
  certgate check -c certgate.toml --json | jq '.findings[] | select(.severity == "warning")'

Takes the same flags as serve. First, for each host block, what its mapping does (mapped with N
mappings, chain-only, or no mapping: every certificate refused). Each finding has a stable code
(CG001..CG213, listed in docs/tools.md) and a one-line fix. Exit status: 0 clean, 1 warnings, 2 errors (serve would refuse the configuration).)");
  sub->callback([opts, exit_code] { *exit_code = run_check(*opts); });
}

}  // namespace certgate::cli
