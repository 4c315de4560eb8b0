// The client-certificate mapping of an IIS web.config / applicationHost.config:
// <iisClientCertificateMappingAuthentication>, <anonymousAuthentication> and <access sslFlags> of one
// location. Settings inherited from parent locations or other files are not merged: certgate reads the
// one location it is pointed at.
#include <pugixml.hpp>

#include <algorithm>
#include <cstdint>

#include "config/cert_text.hpp"
#include "config/config_error.hpp"
#include "config/files.hpp"
#include "config/load.hpp"
#include "config/names.hpp"
#include "core/ascii.hpp"
#include "core/compiled_policy.hpp"
#include "core/control_characters.hpp"

namespace certgate::config {
namespace {

using core::ascii::lower_copy;

constexpr const char* mapping_section = "iisClientCertificateMappingAuthentication";

// The XML text and its name, for positions of elements.
struct XmlSource {
  std::string_view text;
  const std::string& file;

  core::SourcePos at(const pugi::xml_node& node) const {
    std::ptrdiff_t offset = node.offset_debug();
    if (offset < 0) return core::SourcePos{file};
    auto at = static_cast<std::size_t>(offset);
    if (at > 0 && at <= text.size() && text[at - 1] == '<') --at;  // point at the tag's '<'
    return position_at(text, at, file);
  }
  // The attribute itself when it can be found in the text (multi-line elements), else its element.
  core::SourcePos at(const pugi::xml_node& node, const pugi::xml_attribute& attribute) const {
    const std::ptrdiff_t element = node.offset_debug();
    if (element < 0 || !attribute) return at(node);
    // offset_debug() is the element name's distance from the start of the parse buffer; the attribute's
    // name lies in the same buffer. Checked against the text, so anything unexpected falls back.
    const auto base = reinterpret_cast<std::uintptr_t>(node.name()) - static_cast<std::uintptr_t>(element);
    const auto name = reinterpret_cast<std::uintptr_t>(attribute.name());
    const std::string_view wanted = attribute.name();
    if (name < base || name - base >= text.size() || text.substr(name - base, wanted.size()) != wanted) return at(node);
    return position_at(text, static_cast<std::size_t>(name - base), file);
  }
  [[noreturn]] void fail(const pugi::xml_node& node, const std::string& what) const { throw ConfigError(at(node), what); }
};

std::string element(const pugi::xml_node& node) { return "<" + std::string(node.name()) + ">"; }

bool equals_ignoring_case(std::string_view a, std::string_view b) { return lower_copy(a) == lower_copy(b); }

// "/Default Web Site/app/" -> "default web site/app"; "." and "" are the top level.
std::string location_key(std::string_view path) {
  auto is_trim = [](char c) { return c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!path.empty() && is_trim(path.front())) path.remove_prefix(1);
  while (!path.empty() && is_trim(path.back())) path.remove_suffix(1);
  if (path == ".") return {};
  return lower_copy(path);
}

bool read_bool(const XmlSource& xml, const pugi::xml_node& node, const char* name, bool fallback) {
  pugi::xml_attribute attribute = node.attribute(name);
  if (!attribute) return fallback;
  std::string value = lower_copy(attribute.value());
  if (value == "true") return true;
  if (value == "false") return false;
  xml.fail(node, element(node) + " " + name + ": '" + attribute.value() + "' is not a boolean (true or false)");
}

std::string required(const XmlSource& xml, const pugi::xml_node& node, const char* name) {
  pugi::xml_attribute attribute = node.attribute(name);
  if (!attribute || attribute.value()[0] == '\0') {
    xml.fail(node, element(node) + " in <" + node.parent().name() + ">: missing required attribute " + name);
  }
  return attribute.value();
}

// An attribute value that reaches a header or a log line (a user, a mapping name): control characters
// (written as character references such as &#13;) are refused. "" when the attribute is absent.
std::string printable(const XmlSource& xml, const pugi::xml_node& node, const char* name) {
  pugi::xml_attribute attribute = node.attribute(name);
  const std::string value = attribute.value();
  if (std::string problem = core::describe_control_character(value); !problem.empty()) {
    throw ConfigError(xml.at(node, attribute), element(node) + " " + name + " in <" + node.parent().name() +
                                                   ">: contains " + problem +
                                                   " (this value reaches headers and log lines, where it would "
                                                   "break the line)");
  }
  return value;
}

// Every element reached from `from` by following the element names in `path`.
std::vector<pugi::xml_node> find_all(const pugi::xml_node& from, const std::vector<const char*>& path) {
  std::vector<pugi::xml_node> current{from};
  for (const char* name : path) {
    std::vector<pugi::xml_node> next;
    for (const auto& node : current) {
      for (const auto& child : node.children(name)) next.push_back(child);
    }
    current = std::move(next);
  }
  return current;
}

// The one element at `path` under any of the containers; a section given twice is an error, as in IIS.
pugi::xml_node find_section(const XmlSource& xml, const std::vector<pugi::xml_node>& containers,
                            const std::vector<const char*>& path) {
  pugi::xml_node found;
  for (const auto& container : containers) {
    for (const auto& node : find_all(container, path)) {
      if (found) xml.fail(node, "duplicate " + element(node) + " section (first at " + xml.at(found).to_string() + ")");
      found = node;
    }
  }
  return found;
}

std::vector<const char*> section_path(const char* section) {
  return {"system.webServer", "security", "authentication", section};
}

std::string decode_certificate(const XmlSource& xml, const pugi::xml_node& node) {
  std::string blob = required(xml, node, "certificate");
  auto bytes = base64_decode(blob);
  if (!bytes) xml.fail(node, element(node) + " certificate: not base64 (expected the certificate's DER as base64)");
  auto der = certificate_der(*bytes);
  if (!der) xml.fail(node, element(node) + " certificate: does not decode to a DER certificate");
  return std::move(*der);
}

[[noreturn]] void fail_unexpected(const XmlSource& xml, const pugi::xml_node& child) {
  xml.fail(child, "unexpected " + element(child) + " in <" + child.parent().name() + "> (expected add, remove or clear)");
}

void read_one_to_one(const XmlSource& xml, const pugi::xml_node& collection, std::vector<core::OneToOneMapping>& out) {
  for (const auto& child : collection.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (name == "clear") {
      out.clear();
    } else if (name == "remove") {
      std::string der = decode_certificate(xml, child);
      std::erase_if(out, [&](const core::OneToOneMapping& mapping) { return mapping.der == der; });
    } else if (name == "add") {
      core::OneToOneMapping mapping;
      mapping.where = xml.at(child);
      mapping.der = decode_certificate(xml, child);
      mapping.user = required(xml, child, "userName");
      printable(xml, child, "userName");
      mapping.name = mapping.user;
      mapping.password = child.attribute("password").value();
      mapping.enabled = read_bool(xml, child, "enabled", true);
      for (const auto& earlier : out) {
        if (earlier.der == mapping.der) {
          xml.fail(child, "duplicate one-to-one mapping: the same certificate is already mapped at " +
                              earlier.where.to_string());
        }
      }
      out.push_back(std::move(mapping));
    } else {
      fail_unexpected(xml, child);
    }
  }
}

core::RuleField read_field(const XmlSource& xml, const pugi::xml_node& node) {
  std::string field = required(xml, node, "certificateField");
  if (equals_ignoring_case(field, "subject")) return core::RuleField::subject;
  if (equals_ignoring_case(field, "issuer")) return core::RuleField::issuer;
  xml.fail(node, "<rules> add certificateField: '" + field + "' is not allowed; expected Subject or Issuer");
}

void read_rules(const XmlSource& xml, const pugi::xml_node& collection, std::vector<core::MappingRule>& out) {
  for (const auto& child : collection.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (name == "clear") {
      out.clear();
    } else if (name == "remove") {
      core::RuleField field = read_field(xml, child);
      std::string subfield = required(xml, child, "certificateSubField");
      std::string match = child.attribute("matchCriteria").value();
      std::erase_if(out, [&](const core::MappingRule& rule) {
        return rule.field == field && equals_ignoring_case(rule.subfield, subfield) && rule.match == match;
      });
    } else if (name == "add") {
      core::MappingRule rule;
      rule.where = xml.at(child);
      rule.field = read_field(xml, child);
      rule.subfield = required(xml, child, "certificateSubField");
      if (core::subfield_oid(rule.subfield).empty()) {
        xml.fail(child, "<rules> add certificateSubField: unknown subfield '" + rule.subfield +
                            "'; expected CN, OU, O, L, S, ST, C, E or a dotted OID");
      }
      rule.match = required(xml, child, "matchCriteria");
      printable(xml, child, "matchCriteria");
      rule.case_sensitive = read_bool(xml, child, "compareCaseSensitive", true);
      out.push_back(std::move(rule));
    } else {
      fail_unexpected(xml, child);
    }
  }
}

core::Permission read_permission(const XmlSource& xml, const pugi::xml_node& node) {
  // IIS writes permissionMode; "permission" is accepted as a short form.
  pugi::xml_attribute attribute = node.attribute("permissionMode");
  if (!attribute) attribute = node.attribute("permission");
  if (!attribute) return core::Permission::allow;
  if (equals_ignoring_case(attribute.value(), "allow")) return core::Permission::allow;
  if (equals_ignoring_case(attribute.value(), "deny")) return core::Permission::deny;
  xml.fail(node, "<manyToOneMappings> add " + std::string(attribute.name()) + ": '" + attribute.value() +
                     "' is not allowed; expected Allow or Deny");
}

void read_many_to_one(const XmlSource& xml, const pugi::xml_node& collection, std::vector<core::ManyToOneMapping>& out) {
  for (const auto& child : collection.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (name == "clear") {
      out.clear();
    } else if (name == "remove") {
      std::string removed = required(xml, child, "name");
      std::erase_if(out, [&](const core::ManyToOneMapping& mapping) { return equals_ignoring_case(mapping.name, removed); });
    } else if (name == "add") {
      core::ManyToOneMapping mapping;
      mapping.where = xml.at(child);
      mapping.name = required(xml, child, "name");
      printable(xml, child, "name");
      mapping.description = printable(xml, child, "description");
      mapping.enabled = read_bool(xml, child, "enabled", true);
      mapping.permission = read_permission(xml, child);
      mapping.user = printable(xml, child, "userName");
      // An allow mapping without an account would admit with no identity.
      if (mapping.permission == core::Permission::allow && mapping.user.empty()) required(xml, child, "userName");
      mapping.password = child.attribute("password").value();
      for (const auto& inner : child.children()) {
        if (inner.type() != pugi::node_element) continue;
        if (std::string_view(inner.name()) != "rules") {
          xml.fail(inner, "unexpected " + element(inner) + " in <manyToOneMappings> add (expected <rules>)");
        }
        read_rules(xml, inner, mapping.rules);
      }
      for (const auto& earlier : out) {
        if (equals_ignoring_case(earlier.name, mapping.name)) {
          xml.fail(child, "duplicate many-to-one mapping '" + mapping.name + "' (first at " + earlier.where.to_string() + ")");
        }
      }
      out.push_back(std::move(mapping));
    } else {
      fail_unexpected(xml, child);
    }
  }
}

// A section that is disabled, or whose collections end up empty (<clear/>, <remove/>), gives a policy
// with no mappings: IIS then answers 401.2 to every certificate, and so does certgate (chain-only is a
// TOML choice IIS cannot express; MappingPolicy::chain_only stays false).
core::MappingPolicy read_mapping_section(const XmlSource& xml, const pugi::xml_node& section) {
  core::MappingPolicy policy;
  policy.where = xml.at(section);
  // IIS: the section is off unless enabled="true"; the two switches default to true.
  bool enabled = read_bool(xml, section, "enabled", false);
  policy.one_to_one_enabled = enabled && read_bool(xml, section, "oneToOneCertificateMappingsEnabled", true);
  policy.many_to_one_enabled = enabled && read_bool(xml, section, "manyToOneCertificateMappingsEnabled", true);
  for (const auto& child : section.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (name == "oneToOneMappings") {
      read_one_to_one(xml, child, policy.one_to_one);
    } else if (name == "manyToOneMappings") {
      read_many_to_one(xml, child, policy.many_to_one);
    } else {
      xml.fail(child, "unexpected " + element(child) + " in <" + mapping_section +
                          "> (expected <oneToOneMappings> or <manyToOneMappings>)");
    }
  }
  return policy;
}

// <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert">: the strongest client-certificate flag wins.
core::ClientCertMode read_ssl_flags(const XmlSource& xml, const pugi::xml_node& access) {
  std::string flags = access.attribute("sslFlags").value();
  core::ClientCertMode mode = core::ClientCertMode::ignore;
  bool negotiate = false;
  bool require = false;
  std::size_t at = 0;
  while (at < flags.size()) {
    std::size_t end = flags.find_first_of(", \t\r\n", at);
    if (end == std::string::npos) end = flags.size();
    std::string token = lower_copy(std::string_view(flags).substr(at, end - at));
    at = end + 1;
    if (token.empty()) continue;
    if (token == "sslrequirecert") require = true;
    else if (token == "sslnegotiatecert") negotiate = true;
    else if (token != "none" && token != "ssl" && token != "sslmapcert" && token != "ssl128") {
      xml.fail(access, "<access> sslFlags: unknown flag '" + token +
                           "'; expected None, Ssl, SslNegotiateCert, SslRequireCert, SslMapCert or Ssl128");
    }
  }
  if (require) mode = core::ClientCertMode::require;
  else if (negotiate) mode = core::ClientCertMode::accept;
  return mode;
}

std::string describe_available(bool top_level, const std::vector<std::string>& locations) {
  std::vector<std::string> quoted;
  if (top_level) quoted.push_back("the top level (\"\")");
  for (const auto& location : locations) quoted.push_back("\"" + location + "\"");
  if (quoted.empty()) return "the file has no client certificate mapping section at all";
  std::vector<std::string_view> views(quoted.begin(), quoted.end());
  return "locations with a client certificate mapping section: " + join(views);
}

}  // namespace

IisPolicy parse_iis(std::string_view text, const std::string& file, const std::string& location) {
  XmlSource xml{text, file};
  pugi::xml_document document;
  pugi::xml_parse_result parsed = document.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    throw ConfigError(position_at(text, static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)), file),
                      std::string("XML syntax: ") + parsed.description());
  }
  pugi::xml_node root = document.document_element();
  if (std::string_view(root.name()) != "configuration") {
    xml.fail(root, "not an IIS configuration file: the root element is " + element(root) + ", not <configuration>");
  }

  // Every <location path> with a mapping section, for the policy and for error messages.
  IisPolicy policy;
  bool top_level_has_section = !find_all(root, section_path(mapping_section)).empty();
  for (const auto& node : root.children("location")) {
    if (find_all(node, section_path(mapping_section)).empty()) continue;
    std::string path = node.attribute("path").value();
    if (std::find(policy.locations.begin(), policy.locations.end(), path) == policy.locations.end()) {
      policy.locations.push_back(path);
    }
  }

  std::string wanted = location_key(location);
  std::vector<pugi::xml_node> containers;
  if (wanted.empty()) containers.push_back(root);
  for (const auto& node : root.children("location")) {
    if (location_key(node.attribute("path").value()) == wanted) containers.push_back(node);
  }
  if (containers.empty()) {
    throw ConfigError(core::SourcePos{file}, "no <location path=\"" + location + "\"> in the file; " +
                                                 describe_available(top_level_has_section, policy.locations));
  }

  pugi::xml_node section = find_section(xml, containers, section_path(mapping_section));
  if (!section) {
    std::string where = wanted.empty() ? "at the top level" : "in <location path=\"" + location + "\">";
    xml.fail(containers.front(), std::string("no <") + mapping_section + "> section " + where + "; " +
                                     describe_available(top_level_has_section, policy.locations));
  }
  policy.mapping = read_mapping_section(xml, section);
  if (pugi::xml_node anonymous = find_section(xml, containers, section_path("anonymousAuthentication"))) {
    policy.mapping.anonymous = read_bool(xml, anonymous, "enabled", false);
  }
  pugi::xml_node access = find_section(xml, containers, {"system.webServer", "security", "access"});
  if (access && access.attribute("sslFlags")) policy.mode = read_ssl_flags(xml, access);
  return policy;
}

IisPolicy load_iis_file(const std::string& path, const std::string& location) {
  std::string error;
  auto text = read_file_bytes(path, error);
  if (!text) throw ConfigError(core::SourcePos{path}, "cannot read the IIS configuration: " + error);
  return parse_iis(*text, path, location);
}

}  // namespace certgate::config
