#include "cli/iis.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/config_flags.hpp"
#include "config/files.hpp"
#include "config/iis_import.hpp"
#include "config/iis_writer.hpp"
#include "tls/host_selection.hpp"

namespace certgate::cli {
namespace {

using nlohmann::json;

// --- export ---

struct ExportOptions {
  config::Overrides overrides;
  std::string host;
  std::string location;
  std::string site = "Default Web Site";
  std::string format = "both";
  bool json = false;
};

// Differences an IIS operator must know about; each makes the export a finding (exit 1).
std::vector<std::string> export_warnings(const core::MappingPolicy& mapping) {
  std::vector<std::string> out;
  if (mapping.chain_only) {
    out.push_back("this policy is chain-only (chain_only = true): certgate admits any certificate that verifies, as "
                  "its subject CN (mapping \"(chain)\"), but IIS has no such setting: with this section IIS answers "
                  "401.2 to every request. Add a many-to-one mapping (with no rules it matches every verified "
                  "certificate) before using it in IIS");
  }
  for (const auto& one : mapping.one_to_one) {
    if (one.name != one.user) {
      out.push_back("one-to-one mapping \"" + one.name + "\": IIS has no label for one-to-one mappings; it is "
                    "written as a comment and reads back as the user name \"" + one.user + "\"");
    }
  }
  return out;
}

int run_export(const ExportOptions& opts) {
  if (opts.format != "both" && opts.format != "xml" && opts.format != "appcmd") {
    std::cerr << "certgate iis export: --format: '" << opts.format << "' is not allowed; expected both, xml or appcmd\n";
    return kExitUsage;
  }
  auto cfg = load_or_report(opts.overrides, config::Purpose::inspect);
  if (!cfg) return kExitUsage;
  const config::HostPolicy& block = opts.host.empty() ? cfg->default_host : tls::host_policy_for(*cfg, opts.host);
  std::vector<std::string> notes;
  if (!opts.host.empty() && &block == &cfg->default_host) {
    notes.push_back("no [[host]] block claims \"" + opts.host + "\": it is served by the default block, exported here");
  }
  config::IisExport in{block.mapping, block.tls.mode, opts.location};
  std::string config_path = opts.location.empty() ? opts.site : opts.location;
  std::string xml;
  std::vector<std::string> commands;
  try {
    xml = config::iis_configuration_xml(in);
    commands = config::appcmd_commands(in, config_path);
  } catch (const config::IisWriteError& e) {
    std::cerr << "certgate iis export: " << e.what() << "\n";
    return kExitUsage;
  }
  std::vector<std::string> warnings = export_warnings(block.mapping);

  if (opts.json) {
    std::vector<std::string> names(block.server_names.begin(), block.server_names.end());
    json out = {
        {"host", block.name},
        {"server_names", names},
        {"mode", core::to_string(block.tls.mode)},
        {"ssl_flags", config::ssl_flags_for(block.tls.mode)},
        {"location", opts.location},
        {"config_path", config_path},
        {"xml", xml},
        {"appcmd", commands},
        {"warnings", warnings},
        {"notes", notes},
    };
    std::cout << out.dump(2) << "\n";
  } else {
    if (opts.format != "appcmd") std::cout << xml;
    if (opts.format == "both") std::cout << "\n";
    if (opts.format != "xml") {
      std::cout << "REM The same settings with appcmd.exe (elevated cmd.exe, in %windir%\\system32\\inetsrv),\n"
                << "REM written to applicationHost.config for \"" << config_path << "\":\n";
      for (const auto& line : commands) std::cout << line << "\n";
    }
    for (const auto& note : notes) std::cerr << "note: " << note << "\n";
    for (const auto& warning : warnings) std::cerr << "warning: " << warning << "\n";
  }
  return warnings.empty() ? kExitOk : kExitFinding;
}

// --- import ---

struct ImportOptions {
  std::vector<std::string> files;
  std::string location;
  CLI::Option* location_option = nullptr;
  std::string output;
  bool force = false;
  bool json = false;
};

json locations_json(const std::vector<config::IisLocationEntry>& locations) {
  json out = json::array();
  for (const auto& entry : locations) {
    out.push_back({{"path", entry.path}, {"file", entry.where.file}, {"line", entry.where.line}});
  }
  return out;
}

json notes_json(const std::vector<config::ConfigNote>& notes) {
  json out = json::array();
  for (const auto& note : notes) out.push_back({{"position", note.where.to_string()}, {"message", note.message}});
  return out;
}

int import_error(const ImportOptions& opts, const std::string& message, const json& extra = json::object()) {
  std::cerr << "certgate iis import: " << message << "\n";
  if (opts.json) {
    json out = {{"error", message}};
    out.update(extra);
    std::cout << out.dump(2) << "\n";
  }
  return kExitUsage;
}

bool write_output(const std::string& path, const std::string& text, bool force, std::string& error) {
  std::error_code ec;
  if (!force && std::filesystem::exists(path, ec)) {
    error = path + " already exists (use --force to replace it)";
    return false;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

std::string quoted_files(const std::vector<std::string>& files) {
  std::string out;
  for (const std::string& file : files) out += " " + (file.find(' ') == std::string::npos ? file : "\"" + file + "\"");
  return out;
}

int run_import(const ImportOptions& opts) {
  std::string error;
  std::vector<config::IisText> texts;
  for (const std::string& file : opts.files) {
    auto text = config::read_file_bytes(file, error);
    if (!text) return import_error(opts, file + ": cannot read the IIS configuration: " + error);
    texts.push_back({file, std::move(*text)});
  }

  std::optional<std::string> location;
  if (opts.location_option != nullptr && opts.location_option->count() > 0) location = opts.location;
  config::IisImport imported;
  try {
    imported = config::import_iis(texts, location);
  } catch (const config::IisLocationChoiceError& e) {
    std::string message = e.what();
    std::string example;
    for (const auto& place : e.places()) {
      if (!place.path.empty()) example = place.path;
    }
    message += "\n  e.g. certgate iis import" + quoted_files(opts.files) + " --location \"" + example + "\"";
    return import_error(opts, message, {{"locations", locations_json(e.places())}});
  } catch (const std::exception& e) {
    return import_error(opts, e.what());
  }

  if (!opts.output.empty() && !write_output(opts.output, imported.toml, opts.force, error)) {
    return import_error(opts, error);
  }
  const core::MappingPolicy& mapping = imported.policy.mapping;
  if (opts.json) {
    json out = {
        {"file", opts.files.front()},
        {"files", opts.files},
        {"location", imported.location},
        {"locations", locations_json(imported.locations)},
        {"mode", imported.policy.mode ? json(core::to_string(*imported.policy.mode)) : json(nullptr)},
        {"ssl_flags", imported.policy.mode ? json(imported.policy.ssl_flags) : json(nullptr)},
        {"notes", notes_json(imported.policy.notes)},
        {"anonymous", mapping.anonymous},
        {"one_to_one", mapping.one_to_one.size()},
        {"many_to_one", mapping.many_to_one.size()},
        {"output", opts.output.empty() ? json(nullptr) : json(opts.output)},
        {"toml", imported.toml},
    };
    std::cout << out.dump(2) << "\n";
  } else if (opts.output.empty()) {
    std::cout << imported.toml;
  } else {
    std::cout << "wrote " << opts.output << ": " << mapping.one_to_one.size() << " one-to-one and "
              << mapping.many_to_one.size() << " many-to-one mappings from "
              << (imported.location.empty() ? std::string("the top level") : "<location path=\"" + imported.location + "\">")
              << " of" << quoted_files(opts.files) << "\n";
  }
  if (!opts.json) {
    for (const auto& note : imported.policy.notes) std::cerr << "note: " << note.where.to_string() << ": " << note.message << "\n";
  }
  return kExitOk;
}

}  // namespace

void register_iis(CLI::App& app, int* exit_code) {
  CLI::App* iis = app.add_subcommand("iis", "convert between certgate policies and IIS client certificate mapping");
  iis->require_subcommand(1);
  iis->footer(R"(Examples:
  certgate iis import applicationHost.config --location "Default Web Site" -o certgate.toml
  certgate iis export -c certgate.toml > web.config)");

  auto exp = std::make_shared<ExportOptions>();
  CLI::App* ex = iis->add_subcommand("export", "print the policy as IIS XML (web.config) and appcmd.exe commands");
  ex->footer(R"(Prints <access sslFlags> for the mode, <anonymousAuthentication>, and
<iisClientCertificateMappingAuthentication> with every mapping, in a <configuration> skeleton ready to paste,
then the equivalent appcmd.exe commands. Warns (exit 1) when IIS would not behave as certgate does.

Examples:
  certgate iis export -c certgate.toml
  certgate iis export -c certgate.toml --host api.example.com --location "Default Web Site/api"
  certgate iis export --client-ca origin-pull-ca.pem --iis-config old/web.config --format appcmd --site "Shop"
  certgate iis export -c certgate.toml --json)");
  add_config_flags(*ex, exp->overrides);
  ex->add_option("--host", exp->host, "export the [[host]] block that serves this name (default: the default block)");
  ex->add_option("--location", exp->location, "wrap the XML in <location path=...> (and use it as the appcmd path)");
  ex->add_option("--site", exp->site, "appcmd configuration path when there is no --location")->capture_default_str();
  ex->add_option("--format", exp->format, "both | xml | appcmd")->capture_default_str();
  ex->add_flag("--json", exp->json, "machine-readable output (fields in docs/tools.md)");
  ex->callback([exp, exit_code] { *exit_code = run_export(*exp); });

  auto imp = std::make_shared<ImportOptions>();
  CLI::App* im = iis->add_subcommand("import", "turn an IIS web.config / applicationHost.config into certgate TOML");
  im->footer(R"(Reads <access sslFlags>, <anonymousAuthentication> and <iisClientCertificateMappingAuthentication>
of one location path and writes [tls] mode and [mapping], each mapping with a comment naming file:line:column.
Several files are merged from the server down, as IIS inherits configuration (applicationHost.config, then
the site's web.config, then an application's). Without --location the files must have exactly one place
with a mapping section; otherwise the places are listed and the import stops (exit 2). --location "" picks
the top level.

Examples:
  certgate iis import web.config
  certgate iis import C:/Windows/System32/inetsrv/config/applicationHost.config --location "Default Web Site/api" \
                      -o certgate-mapping.toml
  certgate iis import applicationHost.config site/web.config site/app/web.config --location "Default Web Site/app"
  certgate iis import web.config --json)");
  im->add_option("files", imp->files,
                 "applicationHost.config and/or web.config files, from the server down (merged as IIS inherits)")
      ->required();
  imp->location_option = im->add_option("--location", imp->location,
                                        "the location path to import, e.g. \"Default Web Site/app\" (\"\" = top level)");
  im->add_option("-o,--output", imp->output, "write the TOML here instead of standard output");
  im->add_flag("--force", imp->force, "replace the --output file if it exists");
  im->add_flag("--json", imp->json, "machine-readable output (fields in docs/tools.md)");
  im->callback([imp, exit_code] { *exit_code = run_import(*imp); });
}

}  // namespace certgate::cli
