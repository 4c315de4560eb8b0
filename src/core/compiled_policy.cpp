#include "core/compiled_policy.hpp"

#include <stdexcept>

#include "core/control_characters.hpp"
#include "core/sha256.hpp"

namespace certgate::core {
namespace {

std::string position_prefix(const SourcePos& rule_where, const SourcePos& mapping_where) {
  std::string where = rule_where.to_string();
  if (where.empty()) where = mapping_where.to_string();
  return where.empty() ? std::string() : where + ": ";
}

CompiledRule compile_rule(const MappingRule& rule, const ManyToOneMapping& mapping) {
  CompiledRule compiled;
  compiled.field = rule.field;
  compiled.oid = subfield_oid(rule.subfield);
  compiled.label = std::string(to_string(rule.field)) + "." + rule.subfield;
  if (compiled.oid.empty()) {
    throw std::invalid_argument(position_prefix(rule.where, mapping.where) + "many-to-one mapping '" +
                                mapping.name + "': unknown subfield '" + rule.subfield + "' in rule " +
                                compiled.label +
                                " (expected CN, OU, O, L, S, ST, C, E, emailAddress or a dotted OID such as 2.5.4.3)");
  }
  compiled.pattern = WildcardPattern::parse(rule.match, rule.case_sensitive);
  compiled.source = &rule;
  return compiled;
}

// A user or mapping name becomes X-Client-Identity / X-Client-Mapping and a log field.
void require_header_safe(const SourcePos& where, std::string_view kind, const std::string& name,
                         std::string_view field, const std::string& value) {
  const std::string problem = describe_control_character(value);
  if (problem.empty()) return;
  throw std::invalid_argument(position_prefix(where, {}) + std::string(kind) + " '" + escape_control_characters(name) +
                              "': " + std::string(field) + " contains " + problem);
}

}  // namespace

std::shared_ptr<const CompiledPolicy> CompiledPolicy::compile(MappingPolicy policy, ClientCertMode mode,
                                                             const CertDescriber& describe, Enforcement enforcement) {
  if (policy.chain_only && policy.has_mappings()) {
    throw std::invalid_argument(position_prefix(policy.where, {}) +
                                "chain_only = true cannot be combined with mappings");
  }
  for (const OneToOneMapping& mapping : policy.one_to_one) {
    require_header_safe(mapping.where, "one-to-one mapping", mapping.name, "name", mapping.name);
    require_header_safe(mapping.where, "one-to-one mapping", mapping.name, "user", mapping.user);
  }
  for (const ManyToOneMapping& mapping : policy.many_to_one) {
    require_header_safe(mapping.where, "many-to-one mapping", mapping.name, "name", mapping.name);
    require_header_safe(mapping.where, "many-to-one mapping", mapping.name, "user", mapping.user);
  }

  // Built in place on the heap: the index and rules point into source_, which never moves afterwards.
  std::shared_ptr<CompiledPolicy> compiled(new CompiledPolicy());
  compiled->source_ = std::move(policy);
  compiled->mode_ = mode;
  compiled->enforcement_ = enforcement;

  for (const OneToOneMapping& mapping : compiled->source_.one_to_one) {
    if (!mapping.enabled) continue;
    if (mapping.der.empty()) {
      throw std::invalid_argument(position_prefix(mapping.where, {}) + "one-to-one mapping '" + mapping.name +
                                  "' has no certificate");
    }
    // try_emplace keeps the first enabled entry for a certificate listed twice.
    compiled->one_to_one_by_sha256_.try_emplace(sha256_hex(mapping.der), &mapping);
  }
  for (const OneToOneMapping& mapping : compiled->source_.one_to_one) {
    OneToOneFacts facts{&mapping, mapping.der.empty() ? std::string() : sha256_hex(mapping.der), std::nullopt};
    if (describe && !mapping.der.empty()) {
      facts.cert = describe(mapping.der);
      if (facts.cert) facts.cert->der.clear();  // the mapping holds the bytes already
    }
    compiled->one_to_one_facts_.push_back(std::move(facts));
  }

  // Disabled mappings are checked too: a typo should not wait until someone enables the mapping.
  for (const ManyToOneMapping& mapping : compiled->source_.many_to_one) {
    CompiledMapping compiled_mapping{&mapping, {}};
    compiled_mapping.rules.reserve(mapping.rules.size());
    for (const MappingRule& rule : mapping.rules) compiled_mapping.rules.push_back(compile_rule(rule, mapping));
    if (mapping.enabled) compiled->many_to_one_.push_back(std::move(compiled_mapping));
  }
  return compiled;
}

const OneToOneMapping* CompiledPolicy::find_one_to_one(const std::string& sha256_hex) const {
  const auto found = one_to_one_by_sha256_.find(sha256_hex);
  return found == one_to_one_by_sha256_.end() ? nullptr : found->second;
}

}  // namespace certgate::core
