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

std::string file_list(const std::vector<IisText>& files) {
  std::string out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == files.size() ? " and " : ", ") + files[i].file;
  }
  return out;
}

TomlWriteOptions comments_for(const std::vector<IisText>& files, const IisImport& in) {
  TomlWriteOptions options;
  options.header.push_back("certgate mapping policy imported by `certgate iis import` from " + file_list(files) +
                           ", " + describe_location(in.location) + ".");
  if (files.size() > 1) {
    options.header.push_back("The files are merged from the server down, as IIS merges inherited configuration.");
  }
  options.header.push_back("Each mapping says where it came from. Passwords are kept as written; certgate never uses them.");
  // IIS: the section is off unless enabled="true"; parse_iis then turns both switches off.
  const IisPolicy& policy = in.policy;
  if (core::ascii::lower_copy(policy.section_enabled) != "true") {
    std::string written = policy.section_enabled.empty() ? std::string("no enabled attribute (IIS default: false)")
                                                         : "enabled=\"" + policy.section_enabled + "\"";
    options.header.push_back("The IIS section (" + policy.section_enabled_where.to_string() + ") has " + written +
                             ": both kinds of mapping are off, as in IIS.");
  }
  if (in.policy.mode) {
    options.mode_comment = "from <access sslFlags=\"" + policy.ssl_flags + "\"> at " + policy.ssl_flags_where.to_string();
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

IisImport import_iis(const std::vector<IisText>& files, const std::optional<std::string>& location) {
  IisImport out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (IisLocationEntry& entry : iis_mapping_locations(files[i].text, files[i].file)) {
      if (i > 0 && entry.path.empty()) continue;  // a lower file's top level lies on the way to any path
      out.locations.push_back(std::move(entry));
    }
  }
  try {
    out.policy = read_iis(files, location);
  } catch (const IisLocationChoiceError& e) {
    // The same choice, in this command's words.
    std::string message = e.message();
    message = message.substr(0, message.find("; choose one with")) + "; choose one with --location";
    throw IisLocationChoiceError(e.where(), message, e.places());
  }
  out.location = out.policy.location;
  out.toml = write_mapping_toml(out.policy.mapping, out.policy.mode, comments_for(files, out));
  check_round_trip(out);
  return out;
}

IisImport import_iis(std::string_view xml, const std::string& file, const std::optional<std::string>& location) {
  return import_iis(std::vector<IisText>{{file, std::string(xml)}}, location);
}

}  // namespace certgate::config
