// The client-certificate mapping of IIS configuration files: <iisClientCertificateMappingAuthentication>,
// <anonymousAuthentication> and <access sslFlags> of one configuration path, merged from the server down
// as IIS merges inherited configuration (rules and sources in docs/decisions.md).
#include <pugixml.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "config/cert_text.hpp"
#include "config/config_error.hpp"
#include "config/files.hpp"
#include "config/iis_document.hpp"
#include "config/iis_rule_key.hpp"
#include "config/load.hpp"
#include "config/names.hpp"
#include "core/ascii.hpp"
#include "core/compiled_policy.hpp"
#include "core/control_characters.hpp"
#include "core/utf8.hpp"

namespace certgate::config {
namespace {

using core::ascii::lower_copy;

constexpr const char* mapping_section = "iisClientCertificateMappingAuthentication";

std::string element(const pugi::xml_node& node) { return "<" + std::string(node.name()) + ">"; }

bool equals_ignoring_case(std::string_view a, std::string_view b) { return lower_copy(a) == lower_copy(b); }

bool read_bool(const IisDocument& xml, const pugi::xml_node& node, const char* name, bool fallback) {
  pugi::xml_attribute attribute = node.attribute(name);
  if (!attribute) return fallback;
  std::string value = lower_copy(attribute.value());
  if (value == "true") return true;
  if (value == "false") return false;
  xml.fail(node, element(node) + " " + name + ": '" + attribute.value() + "' is not a boolean (true or false)");
}

std::string required(const IisDocument& xml, const pugi::xml_node& node, const char* name) {
  pugi::xml_attribute attribute = node.attribute(name);
  if (!attribute || attribute.value()[0] == '\0') {
    xml.fail(node, element(node) + " in <" + node.parent().name() + ">: missing required attribute " + name);
  }
  return attribute.value();
}

// An attribute value that reaches a header or a log line (a user, a mapping name): control characters
// (written as character references such as &#13;) are refused. "" when the attribute is absent.
std::string printable(const IisDocument& xml, const pugi::xml_node& node, const char* name) {
  pugi::xml_attribute attribute = node.attribute(name);
  const std::string value = attribute.value();
  if (std::string problem = core::describe_control_character(value); !problem.empty()) {
    throw ConfigError(xml.at(node, attribute), element(node) + " " + name + " in <" + node.parent().name() +
                                                   ">: contains " + problem +
                                                   " (this value reaches headers and log lines, where it would "
                                                   "break the line)");
  }
  // pugixml converts UTF-16 files and passes UTF-8 through unchecked: a file saved in a legacy code page
  // (or a stray byte) would otherwise be compared with certificate values as raw bytes.
  if (std::string problem = core::describe_invalid_utf8(value); !problem.empty()) {
    throw ConfigError(xml.at(node, attribute), element(node) + " " + name + " in <" + node.parent().name() +
                                                   ">: is not UTF-8 (" + problem +
                                                   "); save the file as UTF-8 or UTF-16, as IIS writes it");
  }
  return value;
}

// The one-to-one certificate attribute: the base64 of the certificate's DER (line breaks tolerated).
// Anything else pasted there (PEM armour, a thumbprint, a .pfx) is explained, with how to make the value.
std::string decode_certificate(const IisDocument& xml, const pugi::xml_node& node) {
  std::string blob = required(xml, node, "certificate");
  if (std::string problem = blob_problem(blob); !problem.empty()) {
    throw ConfigError(xml.at(node, node.attribute("certificate")),
                      element(node) + " certificate in <" + node.parent().name() + ">: this is " + problem +
                          ". IIS expects the base64 of the certificate's DER, on one line, without the "
                          "-----BEGIN/END----- lines, and maps nothing else (PEM armour included); make it with "
                          "`certgate cert convert edge.pem --to iis-blob` (PEM, DER or .pfx in), or on Windows "
                          "[Convert]::ToBase64String((Get-Item Cert:\\LocalMachine\\My\\<thumbprint>).RawData)");
  }
  auto bytes = base64_decode(blob);
  auto der = bytes ? certificate_der(*bytes) : std::nullopt;
  if (!der) xml.fail(node, element(node) + " certificate: does not decode to a DER certificate");
  return std::move(*der);
}

[[noreturn]] void fail_unexpected(const IisDocument& xml, const pugi::xml_node& child) {
  xml.fail(child, "unexpected " + element(child) + " in <" + child.parent().name() + "> (expected add, remove or clear)");
}

void read_one_to_one(const IisDocument& xml, const pugi::xml_node& collection, std::vector<core::OneToOneMapping>& out) {
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
                              earlier.where.to_string() +
                              "; IIS refuses it: \"Cannot add duplicate collection entry of type 'add' with unique "
                              "key attribute 'certificate'\" (a lower level must <remove> it first)");
        }
      }
      out.push_back(std::move(mapping));
    } else {
      fail_unexpected(xml, child);
    }
  }
}

core::RuleField read_field(const IisDocument& xml, const pugi::xml_node& node) {
  std::string field = required(xml, node, "certificateField");
  if (equals_ignoring_case(field, "subject")) return core::RuleField::subject;
  if (equals_ignoring_case(field, "issuer")) return core::RuleField::issuer;
  xml.fail(node, "<rules> add certificateField: '" + field + "' is not allowed; expected Subject or Issuer");
}

void read_rules(const IisDocument& xml, const pugi::xml_node& collection, std::vector<core::MappingRule>& out) {
  for (const auto& child : collection.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (name == "clear") {
      out.clear();
    } else if (name == "remove") {
      core::RuleField field = read_field(xml, child);
      std::string subfield = required(xml, child, "certificateSubField");
      std::string match = child.attribute("matchCriteria").value();
      const bool case_sensitive = read_bool(xml, child, "compareCaseSensitive", true);
      std::erase_if(out, [&](const core::MappingRule& rule) {
        return same_iis_rule_key(rule, field, subfield, match, case_sensitive);
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
      for (const auto& earlier : out) {
        if (same_iis_rule_key(earlier, rule.field, rule.subfield, rule.match, rule.case_sensitive)) {
          xml.fail(child, "duplicate rule " + std::string(core::to_string(rule.field)) + " " + rule.subfield + " '" +
                              rule.match + "' (first at " + earlier.where.to_string() +
                              "); IIS refuses it: \"Cannot add duplicate collection entry of type 'add'\"");
        }
      }
      out.push_back(std::move(rule));
    } else {
      fail_unexpected(xml, child);
    }
  }
}

core::Permission read_permission(const IisDocument& xml, const pugi::xml_node& node) {
  // IIS writes permissionMode; "permission" is accepted as a short form.
  pugi::xml_attribute attribute = node.attribute("permissionMode");
  if (!attribute) attribute = node.attribute("permission");
  if (!attribute) return core::Permission::allow;
  if (equals_ignoring_case(attribute.value(), "allow")) return core::Permission::allow;
  if (equals_ignoring_case(attribute.value(), "deny")) return core::Permission::deny;
  xml.fail(node, "<manyToOneMappings> add " + std::string(attribute.name()) + ": '" + attribute.value() +
                     "' is not allowed; expected Allow or Deny");
}

void read_many_to_one(const IisDocument& xml, const pugi::xml_node& collection, std::vector<core::ManyToOneMapping>& out) {
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
          xml.fail(child, "duplicate many-to-one mapping '" + mapping.name + "' (first at " + earlier.where.to_string() +
                              "); IIS refuses it: \"Cannot add duplicate collection entry of type 'add' with unique "
                              "key attribute 'name' set to '" + mapping.name + "'\" (a lower level must <remove> it first)");
        }
      }
      out.push_back(std::move(mapping));
    } else {
      fail_unexpected(xml, child);
    }
  }
}

// <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert">: the strongest client-certificate flag wins.
core::ClientCertMode read_ssl_flags(const IisDocument& xml, const pugi::xml_node& access) {
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

std::string describe_place(const std::string& path) {
  return path.empty() ? std::string("the top level") : "<location path=\"" + path + "\">";
}

// ---- merging, as IIS merges inherited configuration ----

// The settings of one configuration path of one file: its top level, or every <location> with that path.
struct Piece {
  std::size_t file = 0;
  const IisDocument* document = nullptr;
  std::string key;
  std::vector<const IisScope*> scopes;
};

// One section of a piece; a section given twice for the same path of one file is an error, as in IIS.
struct FoundSection {
  pugi::xml_node node;
  const IisScope* scope = nullptr;
  explicit operator bool() const { return static_cast<bool>(node); }
};

FoundSection find_section(const Piece& piece, const std::vector<const char*>& path) {
  FoundSection found;
  for (const IisScope* scope : piece.scopes) {
    for (const auto& node : piece.document->find(*scope, path)) {
      if (found) {
        piece.document->fail(node, "duplicate " + element(node) + " section (first at " +
                                       piece.document->at(found.node).to_string() + ")");
      }
      found = FoundSection{node, scope};
    }
  }
  return found;
}

std::size_t depth(const std::string& key) {
  return key.empty() ? 0 : static_cast<std::size_t>(std::count(key.begin(), key.end(), '/')) + 1;
}

// The pieces that apply to `wanted`, in the order IIS applies them: file by file from the server down,
// in each its top level, then the <location>s whose path is `wanted` or one of its parents, parents first.
std::vector<Piece> pieces_for(const std::vector<IisDocument>& documents, const std::string& wanted) {
  std::vector<Piece> out;
  for (std::size_t file = 0; file < documents.size(); ++file) {
    std::vector<std::string> keys;
    for (const IisScope& scope : documents[file].scopes()) {
      if (!iis_key_covers(scope.key, wanted)) continue;
      if (std::find(keys.begin(), keys.end(), scope.key) == keys.end()) keys.push_back(scope.key);
    }
    std::stable_sort(keys.begin(), keys.end(),
                     [](const std::string& a, const std::string& b) { return depth(a) < depth(b); });
    for (const std::string& key : keys) {
      Piece piece{file, &documents[file], key, {}};
      for (const IisScope& scope : documents[file].scopes()) {
        if (scope.key == key) piece.scopes.push_back(&scope);
      }
      out.push_back(std::move(piece));
    }
  }
  return out;
}

bool has_any_section(const IisDocument& document, const IisScope& scope) {
  return !document.find(scope, kIisMappingSectionPath).empty() || !document.find(scope, kIisAnonymousPath).empty() ||
         !document.find(scope, kIisAccessPath).empty();
}

// certgate reads every <location path> from the server down ("Default Web Site/app"); IIS reads one in
// a web.config relative to that file's folder ("app"). Such a location below the first file, which would
// apply to `wanted` read relatively, is refused rather than silently skipped.
void refuse_relative_locations(const std::vector<IisDocument>& documents, const std::string& wanted) {
  for (std::size_t file = 1; file < documents.size(); ++file) {
    for (const IisScope& scope : documents[file].scopes()) {
      if (scope.key.empty() || iis_key_covers(scope.key, wanted)) continue;
      const std::string padded = "/" + wanted + "/";
      if (padded.find("/" + scope.key + "/") == std::string::npos) continue;
      if (!has_any_section(documents[file], scope)) continue;
      throw ConfigError(scope.where,
                        "<location path=\"" + scope.path + "\"> in a file below the server: IIS reads this path "
                        "relative to that web.config's folder, certgate reads every location path from the server "
                        "down, so it cannot tell whether this applies to \"" + wanted + "\"; write the full path "
                        "(e.g. \"" + wanted + "\") or move the settings to the web.config of that folder");
    }
  }
}

// The state of one section while the pieces are applied: an attribute a later piece writes overrides.
struct MergedAttribute {
  std::string value;
  core::SourcePos where;
  bool present = false;
  void take(const IisDocument& xml, const pugi::xml_node& node, const char* name) {
    if (pugi::xml_attribute attribute = node.attribute(name)) {
      value = attribute.value();
      where = xml.at(node, attribute);
      present = true;
    }
  }
};

bool attribute_bool(const MergedAttribute& attribute, bool fallback) {
  return attribute.present ? lower_copy(attribute.value) == "true" : fallback;
}

// A locked section: inside a <location overrideMode="Deny"> (or allowOverride="false"), or declared
// overrideModeDefault="Deny" in <configSections> and not unlocked by a <location overrideMode="Allow">
// holding it. The files below may not write it at all; IIS answers 500.19 for them.
struct SectionLock {
  std::size_t file = 0;
  std::string by;  // what locks it, with its position
};

std::string joined(const std::vector<const char*>& path) {
  std::string out;
  for (const char* name : path) out += (out.empty() ? "" : "/") + std::string(name);
  return out;
}

std::optional<SectionLock> default_lock(const std::vector<IisDocument>& documents, const std::vector<const char*>& path) {
  const std::string wanted = joined(path);
  for (std::size_t file = 0; file < documents.size(); ++file) {
    for (const IisDefaultLock& lock : documents[file].default_locks()) {
      if (lock.section != wanted) continue;
      return SectionLock{file, "overrideModeDefault=\"Deny\" in <configSections> at " + lock.where.to_string() +
                                   " (unless a <location overrideMode=\"Allow\"> holding the section unlocks it)"};
    }
  }
  return std::nullopt;
}

void check_lock(std::optional<SectionLock>& lock, const Piece& piece, const FoundSection& found) {
  if (!found) return;
  if (lock && lock->file < piece.file) {
    throw ConfigError(piece.document->at(found.node),
                      element(found.node) + " cannot be set in this file: " + lock->by +
                          " locks it for the files below; IIS refuses this file with HTTP 500.19 (\"This "
                          "configuration section cannot be used at this path ... the section is locked at a parent "
                          "level\")");
  }
  if (found.scope->locked) {
    lock = SectionLock{piece.file, "<location path=\"" + found.scope->path + "\" " + found.scope->lock_text + "> at " +
                                       found.scope->lock_where.to_string()};
  } else if (found.scope->unlocked) {
    lock.reset();
  }
}

// inheritInChildApplications="false" stops settings at application boundaries, which the files do not show:
// whether `wanted` (or a file below) is a child application is unknown, so such settings are refused unless
// they are the ones of the path itself, in the last file.
void check_child_inheritance(const Piece& piece, const FoundSection& found, const std::string& wanted,
                             std::size_t files) {
  if (!found || !found.scope->no_child_inheritance) return;
  if (piece.key == wanted && piece.file + 1 == files) return;
  throw ConfigError(found.scope->where,
                    "<location path=\"" + found.scope->path + "\" inheritInChildApplications=\"false\"> holds " +
                        element(found.node) + ": IIS does not pass it on to child applications, and certgate "
                        "cannot tell from the files whether \"" + wanted + "\" (or a file below this one) is a "
                        "child application; read this location itself (--iis-location / iis_location), or remove "
                        "the attribute if the settings are meant to be inherited");
}

}  // namespace

IisPolicy read_iis(const std::vector<IisText>& files, const std::optional<std::string>& location) {
  if (files.empty()) throw ConfigError(core::SourcePos{}, "no IIS configuration file given");
  std::vector<IisDocument> documents;
  documents.reserve(files.size());
  for (const IisText& file : files) documents.emplace_back(file.text, file.file);

  IisPolicy policy;
  for (const IisDocument& document : documents) {
    if (document.fragment().empty()) continue;
    policy.notes.push_back({document.scopes().front().where, document.file() + " is a fragment: " + document.fragment()});
  }

  // Where the mapping section is: for error messages, and for choosing when no location is given. A
  // lower file's top level is not a place of its own: it lies on the way to whatever path is read.
  bool top_level_has_section = false;
  std::vector<IisPlace> places;
  std::vector<std::string> place_keys;
  for (std::size_t file = 0; file < documents.size(); ++file) {
    for (const IisScope& scope : documents[file].scopes()) {
      std::vector<pugi::xml_node> sections = documents[file].find(scope, kIisMappingSectionPath);
      if (sections.empty()) continue;
      if (file == 0 && scope.key.empty()) top_level_has_section = true;
      if (scope.is_location && std::find(policy.locations.begin(), policy.locations.end(), scope.path) ==
                                   policy.locations.end()) {
        policy.locations.push_back(scope.path);
      }
      if (file > 0 && scope.key.empty()) continue;
      if (std::find(place_keys.begin(), place_keys.end(), scope.key) != place_keys.end()) continue;
      place_keys.push_back(scope.key);
      places.push_back({scope.key.empty() ? std::string() : scope.path,
                        scope.key.empty() ? documents[file].at(sections.front()) : scope.where});
    }
  }

  std::string wanted;
  if (location) {
    wanted = iis_location_key(*location);
    policy.location = *location;
    bool found = false;
    for (const IisDocument& document : documents) {
      for (const IisScope& scope : document.scopes()) {
        if (found || !scope.is_location || wanted.empty() || scope.key != wanted) continue;
        policy.location = scope.path;  // named as the file writes it
        found = true;
      }
    }
    // With one file, a path it does not name is a mistake; below it, a web.config's top level is that path.
    if (!wanted.empty() && !found && documents.size() == 1) {
      throw ConfigError(core::SourcePos{documents.front().file()},
                        "no <location path=\"" + *location + "\"> in the file; " +
                            describe_available(top_level_has_section, policy.locations));
    }
  } else if (places.size() > 1) {
    std::string listed;
    for (const IisPlace& place : places) {
      listed += (listed.empty() ? "" : ", ") +
                (place.path.empty() ? std::string("\"\" (the top level, ") : "\"" + place.path + "\" (") +
                place.where.to_string() + ")";
    }
    const std::string example = places.back().path.empty() ? places.front().path : places.back().path;
    throw IisLocationChoiceError(core::SourcePos{documents.front().file()},
                                 std::to_string(places.size()) +
                                     " places have a client certificate mapping section: " + listed +
                                     "; choose one with --iis-location (flag) or iis_location (in [mapping]), "
                                     "e.g. --iis-location \"" + example + "\"",
                                 places);
  } else if (places.size() == 1) {
    wanted = place_keys.front();
    policy.location = places.front().path;
    if (!wanted.empty()) {
      policy.notes.push_back({places.front().where, "IIS section read from <location path=\"" + policy.location +
                                                        "\"> (the only location with one); pass --iis-location "
                                                        "to choose another"});
    }
  }

  refuse_relative_locations(documents, wanted);
  const std::vector<Piece> pieces = pieces_for(documents, wanted);

  // Apply the pieces in order. Collections (<add>, <remove>, <clear/>) continue across pieces, so an
  // inherited entry can be removed or cleared below, and adding it again without removing it is an error.
  core::MappingPolicy& mapping = policy.mapping;
  MergedAttribute enabled, one_to_one, many_to_one, anonymous, ssl_flags;
  std::optional<SectionLock> mapping_lock = default_lock(documents, kIisMappingSectionPath);
  std::optional<SectionLock> anonymous_lock = default_lock(documents, kIisAnonymousPath);
  std::optional<SectionLock> access_lock = default_lock(documents, kIisAccessPath);
  std::vector<std::string> merged_from;
  bool any_section = false;
  const IisDocument* last_section_document = nullptr;
  pugi::xml_node last_section;
  for (const Piece& piece : pieces) {
    const IisDocument& xml = *piece.document;
    if (FoundSection section = find_section(piece, kIisMappingSectionPath)) {
      check_lock(mapping_lock, piece, section);
      check_child_inheritance(piece, section, wanted, documents.size());
      any_section = true;
      last_section_document = &xml;
      last_section = section.node;
      merged_from.push_back(xml.at(section.node).to_string() + " (" + describe_place(section.scope->path) + ")");
      // Read to check the values; the merged text decides below.
      read_bool(xml, section.node, "enabled", false);
      read_bool(xml, section.node, "oneToOneCertificateMappingsEnabled", true);
      read_bool(xml, section.node, "manyToOneCertificateMappingsEnabled", true);
      if (section.node.attribute("enabled")) {
        enabled.take(xml, section.node, "enabled");
        enabled.where = xml.at(section.node);  // the section that decided, for comments
      }
      one_to_one.take(xml, section.node, "oneToOneCertificateMappingsEnabled");
      many_to_one.take(xml, section.node, "manyToOneCertificateMappingsEnabled");
      for (const auto& child : section.node.children()) {
        if (child.type() != pugi::node_element) continue;
        std::string_view name = child.name();
        if (name == "oneToOneMappings") {
          read_one_to_one(xml, child, mapping.one_to_one);
        } else if (name == "manyToOneMappings") {
          read_many_to_one(xml, child, mapping.many_to_one);
        } else {
          xml.fail(child, "unexpected " + element(child) + " in <" + mapping_section +
                              "> (expected <oneToOneMappings> or <manyToOneMappings>)");
        }
      }
    }
    if (FoundSection section = find_section(piece, kIisAnonymousPath)) {
      check_lock(anonymous_lock, piece, section);
      check_child_inheritance(piece, section, wanted, documents.size());
      read_bool(xml, section.node, "enabled", false);
      anonymous.take(xml, section.node, "enabled");
    }
    if (FoundSection section = find_section(piece, kIisAccessPath)) {
      check_lock(access_lock, piece, section);
      check_child_inheritance(piece, section, wanted, documents.size());
      if (section.node.attribute("sslFlags")) {
        policy.mode = read_ssl_flags(xml, section.node);
        ssl_flags.take(xml, section.node, "sslFlags");
        ssl_flags.where = xml.at(section.node);
      }
    }
  }

  if (!any_section) {
    const IisScope* named = nullptr;
    for (const IisDocument& document : documents) {
      for (const IisScope& scope : document.scopes()) {
        if (named == nullptr && scope.key == wanted) named = &scope;
      }
    }
    const core::SourcePos where = named ? named->where : documents.front().scopes().front().where;
    std::string place = wanted.empty() ? "at the top level" : "in <location path=\"" + policy.location + "\">";
    if (documents.size() > 1) place += " or above it, in any of the files";
    throw ConfigError(where, std::string("no <") + mapping_section + "> section " + place + "; " +
                                 describe_available(top_level_has_section, policy.locations));
  }

  // A section that is disabled, or whose collections end up empty (<clear/>, <remove/>), gives a policy
  // with no mappings: IIS then answers 401.2 to every certificate, and so does certgate (chain-only is a
  // TOML choice IIS cannot express; MappingPolicy::chain_only stays false).
  // IIS: the section is off unless enabled="true"; the two switches default to true.
  mapping.where = last_section_document->at(last_section);
  const bool on = attribute_bool(enabled, false);
  mapping.one_to_one_enabled = on && attribute_bool(one_to_one, true);
  mapping.many_to_one_enabled = on && attribute_bool(many_to_one, true);
  mapping.anonymous = attribute_bool(anonymous, false);
  policy.ssl_flags = ssl_flags.value;
  policy.ssl_flags_where = ssl_flags.where;
  policy.section_enabled = enabled.value;
  policy.section_enabled_where = enabled.present ? enabled.where : mapping.where;
  if (merged_from.size() > 1) {
    std::vector<std::string_view> views(merged_from.begin(), merged_from.end());
    policy.notes.push_back({mapping.where, "IIS section for " + describe_place(policy.location) + " merged from " +
                                               std::to_string(merged_from.size()) +
                                               " places, the server first: " + join(views)});
  }
  return policy;
}

IisPolicy parse_iis(std::string_view text, const std::string& file, const std::string& location) {
  return read_iis({IisText{file, std::string(text)}}, location);
}

IisPolicy load_iis_files(const std::vector<std::string>& paths, const std::optional<std::string>& location) {
  std::vector<IisText> files;
  for (const std::string& path : paths) {
    std::string error;
    auto text = read_file_bytes(path, error);
    if (!text) throw ConfigError(core::SourcePos{path}, "cannot read the IIS configuration: " + error);
    files.push_back({path, std::move(*text)});
  }
  return read_iis(files, location);
}

IisPolicy load_iis_file(const std::string& path, const std::string& location) { return load_iis_files({path}, location); }

}  // namespace certgate::config
