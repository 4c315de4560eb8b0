#include "config/iis_import.hpp"

#include <stdexcept>

#include "config/mapping_difference.hpp"
#include "config/toml_writer.hpp"
#include "core/ascii.hpp"

namespace certgate::config {
namespace {

std::string describe_location(const std::string& location) {
  return location.empty() ? std::string("the top level") : "<location path=\"" + location + "\">";
}

std::string list_locations(const std::vector<IisLocationEntry>& locations) {
  std::string out;
  for (const auto& entry : locations) {
    if (!out.empty()) out += ", ";
    out += entry.path.empty() ? std::string("\"\" (the top level)") : "\"" + entry.path + "\"";
    if (entry.where.line > 0) out += " (line " + std::to_string(entry.where.line) + ")";
  }
  return out;
}

TomlWriteOptions comments_for(const std::string& file, const IisImport& in) {
  TomlWriteOptions options;
  options.header.push_back("certgate mapping policy imported by `certgate iis import` from " + file + ", " +
                           describe_location(in.location) + ".");
  options.header.push_back("Each mapping says where it came from. Passwords are kept as written; certgate never uses them.");
  // IIS: the section is off unless enabled="true"; parse_iis then turns both switches off.
  if (in.facts.section_where.line > 0 && core::ascii::lower_copy(in.facts.section_enabled) != "true") {
    std::string written = in.facts.section_enabled.empty() ? std::string("no enabled attribute (IIS default: false)")
                                                           : "enabled=\"" + in.facts.section_enabled + "\"";
    options.header.push_back("The IIS section (" + in.facts.section_where.to_string() + ") has " + written +
                             ": both kinds of mapping are off, as in IIS.");
  }
  if (in.policy.mode) {
    options.mode_comment = "from <access sslFlags=\"" + in.facts.ssl_flags + "\"> at " + in.facts.ssl_flags_where.to_string();
  } else {
    options.header.push_back("No <access sslFlags> there: [tls] mode is left to certgate's default (require).");
  }
  options.header.push_back("To serve, add [server] listen, [upstream] url and [tls] cert, key, client_ca (docs/config.md).");
  return options;
}

// The written TOML must read back to exactly what parse_iis read; anything else is a bug, refused.
void check_round_trip(const IisImport& in) {
  GatewayConfig back = parse_toml(in.toml, "(imported TOML)");
  std::string difference = mapping_difference(in.policy.mapping, back.default_host.mapping);
  if (difference.empty() && in.policy.mode && back.default_host.tls.mode != *in.policy.mode) {
    difference = "[tls] mode";
  }
  if (!difference.empty()) {
    throw std::logic_error("the TOML written for this IIS policy does not read back the same (" + difference +
                           "); nothing was written");
  }
}

}  // namespace

IisLocationChoiceError::IisLocationChoiceError(const std::string& file, std::vector<IisLocationEntry> locations)
    : ConfigError(core::SourcePos{file},
                  "the file has " + std::to_string(locations.size()) +
                      " locations with a client certificate mapping section: " + list_locations(locations) +
                      "; choose one with --location"),
      locations_(std::move(locations)) {}

IisImport import_iis(std::string_view xml, const std::string& file, const std::optional<std::string>& location) {
  IisImport out;
  out.locations = iis_mapping_locations(xml, file);
  if (location) {
    // Name the location as the file writes it ("/API.contoso.com/" finds "api.contoso.com").
    out.location = *location;
    for (const auto& entry : out.locations) {
      if (iis_location_key(entry.path) == iis_location_key(*location)) out.location = entry.path;
    }
  } else if (out.locations.size() > 1) {
    throw IisLocationChoiceError(file, out.locations);
  } else if (out.locations.size() == 1) {
    out.location = out.locations.front().path;
  }
  // With no section anywhere, parse_iis names the problem (and lists what there is).
  out.policy = parse_iis(xml, file, out.location);
  out.facts = iis_location_facts(xml, file, out.location);
  out.toml = write_mapping_toml(out.policy.mapping, out.policy.mode, comments_for(file, out));
  check_round_trip(out);
  return out;
}

}  // namespace certgate::config
