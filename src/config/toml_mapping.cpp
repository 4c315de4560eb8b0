#include "config/toml_mapping.hpp"

#include "config/cert_text.hpp"
#include "config/config_error.hpp"
#include "config/files.hpp"
#include "core/ascii.hpp"
#include "core/compiled_policy.hpp"

namespace certgate::config {
namespace {

core::OneToOneMapping read_one_to_one(const toml::table& table, const std::string& label, const std::string& file) {
  TomlTable entry(table, label, file, {"user", "certificate", "blob", "name", "enabled", "password"});
  core::OneToOneMapping mapping;
  mapping.where = entry.where();
  auto user = entry.printable_string("user");
  if (!user) entry.fail_missing("user");
  if (user->empty()) entry.fail("user", "must not be empty");
  mapping.user = *user;
  mapping.name = entry.printable_string("name").value_or(mapping.user);
  mapping.enabled = entry.boolean("enabled").value_or(true);
  mapping.password = entry.string("password").value_or("");

  bool has_file = entry.has("certificate");
  bool has_blob = entry.has("blob");
  if (has_file && has_blob) entry.fail("blob", "give either certificate (a file) or blob, not both");
  if (has_file) {
    std::string path = *entry.path("certificate");
    std::string error;
    auto bytes = read_file_bytes(path, error);
    if (!bytes) entry.fail("certificate", "cannot read '" + path + "': " + error);
    auto der = certificate_der(*bytes);
    if (!der) entry.fail("certificate", "no certificate in '" + path + "' (expected PEM, DER or a base64 blob)");
    mapping.der = std::move(*der);
  } else if (has_blob) {
    std::string blob = *entry.string("blob");
    // Said as for the IIS attribute: PEM armour, a thumbprint, a .pfx are named (cert_text.hpp).
    if (std::string problem = blob_problem(blob); !problem.empty()) {
      entry.fail("blob", problem + "; expected the certificate's DER as one base64 string (`certgate cert convert "
                                   "edge.pem --to iis-blob`), or give the file as certificate = \"edge.pem\"");
    }
    auto decoded = base64_decode(blob);
    auto der = decoded ? certificate_der(*decoded) : std::nullopt;
    if (!der) entry.fail("blob", "does not decode to a DER certificate");
    mapping.der = std::move(*der);
  } else {
    throw ConfigError(entry.where(), label + ": missing required key 'certificate' or 'blob'");
  }
  return mapping;
}

core::MappingRule read_rule(const toml::table& table, const std::string& label, const std::string& file) {
  TomlTable entry(table, label, file, {"field", "subfield", "match", "case_sensitive"});
  core::MappingRule rule;
  rule.where = entry.where();
  auto field = entry.choice<core::RuleField>("field", {{"subject", core::RuleField::subject},
                                                        {"issuer", core::RuleField::issuer}});
  if (!field) entry.fail_missing("field");
  rule.field = *field;
  auto subfield = entry.string("subfield");
  if (!subfield) entry.fail_missing("subfield");
  if (core::subfield_oid(*subfield).empty()) {
    entry.fail("subfield", "unknown subfield '" + *subfield + "'; expected CN, OU, O, L, S, ST, C, E or a dotted OID");
  }
  rule.subfield = *subfield;
  auto match = entry.printable_string("match");
  if (!match) entry.fail_missing("match");
  if (match->empty()) entry.fail("match", "must not be empty (\"*\" matches any value)");
  rule.match = *match;
  rule.case_sensitive = entry.boolean("case_sensitive").value_or(true);
  return rule;
}

core::ManyToOneMapping read_many_to_one(const toml::table& table, const std::string& prefix, const std::string& file) {
  TomlTable entry(table, "[[" + prefix + ".many_to_one]]", file,
                  {"name", "description", "enabled", "permission", "user", "password", "rules"});
  core::ManyToOneMapping mapping;
  mapping.where = entry.where();
  auto name = entry.printable_string("name");
  if (!name) entry.fail_missing("name");
  if (name->empty()) entry.fail("name", "must not be empty");
  mapping.name = *name;
  mapping.description = entry.printable_string("description").value_or("");
  mapping.enabled = entry.boolean("enabled").value_or(true);
  mapping.permission = entry.choice<core::Permission>("permission", {{"allow", core::Permission::allow},
                                                                     {"deny", core::Permission::deny}})
                           .value_or(core::Permission::allow);
  mapping.user = entry.printable_string("user").value_or("");
  if (mapping.permission == core::Permission::allow && mapping.user.empty()) {
    if (!entry.has("user")) entry.fail_missing("user");
    entry.fail("user", "must not be empty for an allow mapping");
  }
  mapping.password = entry.string("password").value_or("");
  if (const toml::array* rules = entry.table_array("rules")) {
    for (const toml::node& rule : *rules) {
      mapping.rules.push_back(read_rule(*rule.as_table(), "[[" + prefix + ".many_to_one.rules]]", file));
    }
  }
  return mapping;
}

}  // namespace

void read_mapping_table(const toml::table& table, const std::string& prefix, const std::string& file,
                        core::MappingPolicy& mapping, std::optional<IisSource>& iis) {
  TomlTable section(table, "[" + prefix + "]", file,
                    {"one_to_one_enabled", "many_to_one_enabled", "anonymous", "chain_only", "iis_config",
                     "iis_location", "one_to_one", "many_to_one"});
  auto iis_config = section.path_list("iis_config");
  auto iis_location = section.string("iis_location");
  if (iis_config && !iis_config->empty()) {
    for (std::string_view key :
         {"one_to_one_enabled", "many_to_one_enabled", "anonymous", "chain_only", "one_to_one", "many_to_one"}) {
      if (section.has(key)) section.fail(key, "cannot be combined with iis_config (the IIS file provides the mapping)");
    }
    iis = IisSource{*iis_config, iis_location};
    mapping = core::MappingPolicy{};
    return;
  }
  if (iis_location && !iis_location->empty()) section.fail("iis_location", "needs iis_config");

  iis.reset();
  mapping = core::MappingPolicy{};
  mapping.where = section.where();
  mapping.one_to_one_enabled = section.boolean("one_to_one_enabled").value_or(true);
  mapping.many_to_one_enabled = section.boolean("many_to_one_enabled").value_or(true);
  mapping.anonymous = section.boolean("anonymous").value_or(false);
  mapping.chain_only = section.boolean("chain_only").value_or(false);
  if (const toml::array* entries = section.table_array("one_to_one")) {
    for (const toml::node& entry : *entries) {
      auto one = read_one_to_one(*entry.as_table(), "[[" + prefix + ".one_to_one]]", file);
      for (const auto& earlier : mapping.one_to_one) {
        if (earlier.der == one.der) {
          throw ConfigError(one.where, "[[" + prefix + ".one_to_one]]: the same certificate is already mapped at " +
                                           earlier.where.to_string());
        }
      }
      mapping.one_to_one.push_back(std::move(one));
    }
  }
  if (const toml::array* entries = section.table_array("many_to_one")) {
    for (const toml::node& entry : *entries) {
      auto many = read_many_to_one(*entry.as_table(), prefix, file);
      for (const auto& earlier : mapping.many_to_one) {
        if (core::ascii::lower_copy(earlier.name) == core::ascii::lower_copy(many.name)) {
          throw ConfigError(many.where, "[[" + prefix + ".many_to_one]]: a mapping named '" + many.name +
                                            "' already exists at " + earlier.where.to_string());
        }
      }
      mapping.many_to_one.push_back(std::move(many));
    }
  }
  // Chain-only admits every verified certificate as its CN; next to mappings it would make them pointless
  // (or, if mappings won, make chain_only a no-op): either way the file does not say what it does.
  if (mapping.chain_only && mapping.has_mappings()) {
    const core::SourcePos& first =
        mapping.one_to_one.empty() ? mapping.many_to_one.front().where : mapping.one_to_one.front().where;
    section.fail("chain_only", "chain_only = true admits every certificate that verifies, as its subject CN, so it "
                               "cannot be combined with mappings (the first is at " + first.to_string() +
                               "); remove chain_only, or the mappings");
  }
}

}  // namespace certgate::config
