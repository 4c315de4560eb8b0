#include "config/iis_writer.hpp"

#include <cstdio>

#include "config/cert_text.hpp"
#include "config/iis_rule_key.hpp"

namespace certgate::config {
namespace {

constexpr std::string_view kMappingSection = "system.webServer/security/authentication/iisClientCertificateMappingAuthentication";

const char* xml_bool(bool value) { return value ? "true" : "false"; }
const char* appcmd_bool(bool value) { return value ? "True" : "False"; }

std::string_view permission_name(core::Permission p) { return p == core::Permission::allow ? "Allow" : "Deny"; }
std::string_view field_name(core::RuleField f) { return f == core::RuleField::subject ? "Subject" : "Issuer"; }

// An attribute, with a leading space: ` name="value"`.
std::string attribute(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_attribute_escape(value) + "\"";
}

// Text for an XML comment: no "--" inside, no '-' at the end, no control characters.
std::string comment_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
    if (c == '-' && !out.empty() && out.back() == '-') out += ' ';
    out += c;
  }
  if (!out.empty() && out.back() == '-') out += ' ';
  return out;
}

std::string pad(int indent) { return std::string(static_cast<std::size_t>(indent), ' '); }

void write_one_to_one(const core::MappingPolicy& mapping, int indent, std::string& out) {
  out += pad(indent) + "<oneToOneMappings>\n";
  out += pad(indent + 2) + "<clear />\n";
  for (const auto& one : mapping.one_to_one) {
    // IIS has no label for a one-to-one mapping; certgate's (when it is not the user name) becomes a comment.
    if (!one.name.empty() && one.name != one.user) {
      out += pad(indent + 2) + "<!-- " + comment_text(one.name) + " -->\n";
    }
    out += pad(indent + 2) + "<add" + attribute("userName", one.user) + attribute("password", one.password) +
           attribute("certificate", base64_encode(one.der)) + attribute("enabled", xml_bool(one.enabled)) + " />\n";
  }
  out += pad(indent) + "</oneToOneMappings>\n";
}

// A TOML mapping may repeat a rule; IIS refuses a repeated key (500.19). A rule given twice asks the same
// thing twice, so writing it once matches exactly the same certificates.
std::vector<core::MappingRule> distinct_rules(const std::vector<core::MappingRule>& rules) {
  std::vector<core::MappingRule> out;
  for (const auto& rule : rules) {
    bool seen = false;
    for (const auto& kept : out) seen = seen || same_iis_rule_key(kept, rule);
    if (!seen) out.push_back(rule);
  }
  return out;
}

void write_many_to_one(const core::MappingPolicy& mapping, int indent, std::string& out) {
  out += pad(indent) + "<manyToOneMappings>\n";
  out += pad(indent + 2) + "<clear />\n";
  for (const auto& many : mapping.many_to_one) {
    std::string head = pad(indent + 2) + "<add" + attribute("name", many.name) +
                       attribute("description", many.description) + attribute("enabled", xml_bool(many.enabled)) +
                       attribute("permissionMode", permission_name(many.permission)) +
                       attribute("userName", many.user) + attribute("password", many.password);
    if (many.rules.empty()) {
      out += head + " />\n";
      continue;
    }
    out += head + ">\n" + pad(indent + 4) + "<rules>\n";
    for (const auto& rule : distinct_rules(many.rules)) {
      out += pad(indent + 6) + "<add" + attribute("certificateField", field_name(rule.field)) +
             attribute("certificateSubField", rule.subfield) + attribute("matchCriteria", rule.match) +
             attribute("compareCaseSensitive", xml_bool(rule.case_sensitive)) + " />\n";
    }
    out += pad(indent + 4) + "</rules>\n" + pad(indent + 2) + "</add>\n";
  }
  out += pad(indent) + "</manyToOneMappings>\n";
}

// --- appcmd ---

// appcmd values are quoted with ' inside a "..." argument of cmd.exe: ' and " cannot appear, % would be
// expanded by cmd.exe, and control characters cannot be typed.
std::string appcmd_unquotable(std::string_view value) {
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\'') return "a single quote";
    if (c == '"') return "a double quote";
    if (c == '%') return "a percent sign";
    if (u < 0x20 || u == 0x7f) return "a control character";
  }
  return {};
}

bool is_encrypted_password(std::string_view password) {
  return password.rfind("[enc:", 0) == 0 && password.size() >= 5 && password.substr(password.size() - 5) == ":enc]";
}

// REM lines are comments for cmd.exe; keep them to printable ASCII so that nothing in them is interpreted.
std::string rem(std::string_view text) {
  std::string out = "REM ";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f || c == '%' || c == '"') ? '?' : c;
  }
  return out;
}

struct AppcmdWriter {
  std::string prefix;  // appcmd.exe set config "Site"
  std::vector<std::string> lines;

  void set(std::string_view section, const std::string& arguments) {
    lines.push_back(prefix + " -section:" + std::string(section) + " " + arguments + " /commit:apphost");
  }
};

// "key='value',..." for an element selector, or the reason it cannot be written.
std::string selector(const std::vector<std::pair<std::string_view, std::string>>& attributes, std::string& problem) {
  std::string out;
  for (const auto& [name, value] : attributes) {
    if (std::string why = appcmd_unquotable(value); !why.empty()) {
      problem = std::string(name) + " contains " + why;
      return {};
    }
    if (!out.empty()) out += ',';
    out += std::string(name) + "='" + value + "'";
  }
  return out;
}

}  // namespace

std::string_view ssl_flags_for(core::ClientCertMode mode) {
  switch (mode) {
    case core::ClientCertMode::ignore: return "Ssl";
    case core::ClientCertMode::accept: return "Ssl, SslNegotiateCert";
    case core::ClientCertMode::require: return "Ssl, SslNegotiateCert, SslRequireCert";
  }
  return "Ssl";
}

std::string xml_attribute_escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char code[8];
          std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(static_cast<unsigned char>(c)));
          throw IisWriteError(std::string("control character ") + code + " cannot be written to XML (in \"" +
                              comment_text(value) + "\")");
        }
        out += c;
    }
  }
  return out;
}

std::string iis_configuration_xml(const IisExport& in) {
  const core::MappingPolicy& mapping = in.mapping;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // IIS locks these sections at site level (overrideModeDefault="Deny"): say where they can go.
  if (in.location.empty()) {
    out += "<!-- A site's web.config can hold these sections only once they are unlocked:\n"
           "     appcmd.exe unlock config -section:system.webServer/security/access (and .../authentication/\n"
           "     anonymousAuthentication, .../iisClientCertificateMappingAuthentication), or use the appcmd commands. -->\n";
  } else {
    out += "<!-- For applicationHost.config: paste the <location> element into its <configuration>. -->\n";
  }
  out += "<configuration>\n";
  int indent = 2;
  if (!in.location.empty()) {
    out += "  <location" + attribute("path", in.location) + ">\n";
    indent = 4;
  }
  out += pad(indent) + "<system.webServer>\n";
  out += pad(indent + 2) + "<security>\n";
  out += pad(indent + 4) + "<access" + attribute("sslFlags", ssl_flags_for(in.mode)) + " />\n";
  out += pad(indent + 4) + "<authentication>\n";
  out += pad(indent + 6) + "<anonymousAuthentication" + attribute("enabled", xml_bool(mapping.anonymous)) + " />\n";
  out += pad(indent + 6) + "<iisClientCertificateMappingAuthentication enabled=\"true\"" +
         attribute("oneToOneCertificateMappingsEnabled", xml_bool(mapping.one_to_one_enabled)) +
         attribute("manyToOneCertificateMappingsEnabled", xml_bool(mapping.many_to_one_enabled)) + ">\n";
  write_one_to_one(mapping, indent + 8, out);
  write_many_to_one(mapping, indent + 8, out);
  out += pad(indent + 6) + "</iisClientCertificateMappingAuthentication>\n";
  out += pad(indent + 4) + "</authentication>\n";
  out += pad(indent + 2) + "</security>\n";
  out += pad(indent) + "</system.webServer>\n";
  if (!in.location.empty()) out += "  </location>\n";
  out += "</configuration>\n";
  return out;
}

std::vector<std::string> appcmd_commands(const IisExport& in, const std::string& config_path) {
  if (config_path.empty()) throw IisWriteError("appcmd needs a configuration path (a site name)");
  if (std::string why = appcmd_unquotable(config_path); !why.empty()) {
    throw IisWriteError("the configuration path \"" + comment_text(config_path) + "\" contains " + why +
                        ", which appcmd.exe cannot be given");
  }
  const core::MappingPolicy& mapping = in.mapping;
  AppcmdWriter w{"appcmd.exe set config \"" + config_path + "\"", {}};
  w.lines.push_back("appcmd.exe clear config \"" + config_path + "\" -section:" + std::string(kMappingSection) +
                    " /commit:apphost");
  w.set(kMappingSection, std::string("/enabled:\"True\" /oneToOneCertificateMappingsEnabled:\"") +
                             appcmd_bool(mapping.one_to_one_enabled) + "\" /manyToOneCertificateMappingsEnabled:\"" +
                             appcmd_bool(mapping.many_to_one_enabled) + "\"");

  for (const auto& one : mapping.one_to_one) {
    std::vector<std::pair<std::string_view, std::string>> attributes = {{"userName", one.user}};
    bool encrypted = is_encrypted_password(one.password);
    if (!one.password.empty() && !encrypted) attributes.emplace_back("password", one.password);
    attributes.emplace_back("certificate", base64_encode(one.der));
    attributes.emplace_back("enabled", appcmd_bool(one.enabled));
    std::string problem;
    std::string keys = selector(attributes, problem);
    if (!problem.empty()) {
      w.lines.push_back(rem("one-to-one mapping for user " + one.user + ": " + problem +
                            ", which appcmd.exe cannot be given; add it with the XML instead"));
      continue;
    }
    if (encrypted) w.lines.push_back(rem("one-to-one mapping for user " + one.user + ": set its password again (encrypted values are machine-specific)"));
    w.set(kMappingSection, "/+\"oneToOneMappings.[" + keys + "]\"");
  }

  for (const auto& many : mapping.many_to_one) {
    std::vector<std::pair<std::string_view, std::string>> attributes = {{"name", many.name}};
    if (!many.description.empty()) attributes.emplace_back("description", many.description);
    attributes.emplace_back("enabled", appcmd_bool(many.enabled));
    attributes.emplace_back("permissionMode", std::string(permission_name(many.permission)));
    if (!many.user.empty()) attributes.emplace_back("userName", many.user);
    bool encrypted = is_encrypted_password(many.password);
    if (!many.password.empty() && !encrypted) attributes.emplace_back("password", many.password);
    std::string problem;
    std::string keys = selector(attributes, problem);
    std::vector<std::string> rules;
    for (const auto& rule : distinct_rules(many.rules)) {
      if (!problem.empty()) break;
      rules.push_back(selector({{"certificateField", std::string(field_name(rule.field))},
                                {"certificateSubField", rule.subfield},
                                {"matchCriteria", rule.match},
                                {"compareCaseSensitive", appcmd_bool(rule.case_sensitive)}},
                               problem));
      if (!problem.empty()) problem = "a rule's " + problem;
    }
    if (!problem.empty()) {
      w.lines.push_back(rem("many-to-one mapping " + many.name + ": " + problem +
                            ", which appcmd.exe cannot be given; add it with the XML instead"));
      continue;
    }
    if (encrypted) w.lines.push_back(rem("many-to-one mapping " + many.name + ": set its password again (encrypted values are machine-specific)"));
    w.set(kMappingSection, "/+\"manyToOneMappings.[" + keys + "]\"");
    for (const auto& rule : rules) {
      w.set(kMappingSection, "/+\"manyToOneMappings.[name='" + many.name + "'].rules.[" + rule + "]\"");
    }
  }

  w.set("system.webServer/security/authentication/anonymousAuthentication",
        std::string("/enabled:\"") + appcmd_bool(mapping.anonymous) + "\"");
  w.set("system.webServer/security/access", "/sslFlags:\"" + std::string(ssl_flags_for(in.mode)) + "\"");
  return std::move(w.lines);
}

}  // namespace certgate::config
