#include "core/near_miss.hpp"

#include <string_view>
#include <utility>
#include <vector>

#include "core/control_characters.hpp"
#include "core/rule_match.hpp"
#include "core/time_text.hpp"

namespace certgate::core {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }
std::string value_text(std::string_view value) { return "\"" + escape_control_characters(value) + "\""; }

// The rule's match criteria as written, stars included.
std::string written_match(const CompiledRule& rule) {
  if (rule.source != nullptr) return rule.source->match;
  const std::string& text = rule.pattern.text;
  switch (rule.pattern.kind) {
    case WildcardPattern::Kind::exact: return text;
    case WildcardPattern::Kind::prefix: return text + "*";
    case WildcardPattern::Kind::suffix: return "*" + text;
    case WildcardPattern::Kind::contains: return "*" + text + "*";
    case WildcardPattern::Kind::any: return "*";
  }
  return text;
}

std::string subfield_of(const CompiledRule& rule) { return rule.source != nullptr ? rule.source->subfield : rule.oid; }

std::string at_position(const SourcePos& where) {
  const std::string text = where.to_string();
  return text.empty() ? "" : " at " + text;
}

std::string mapping_text(const ManyToOneMapping& mapping) { return "mapping " + quoted(mapping.name) + at_position(mapping.where); }

std::string rule_with_position(const CompiledRule& rule) {
  return "rule " + rule_text(rule) + (rule.source != nullptr ? at_position(rule.source->where) : "");
}

std::string field_setting(RuleField field) {
  return field == RuleField::issuer ? "certificateField=\"Issuer\" (TOML field = \"issuer\")"
                                    : "certificateField=\"Subject\" (TOML field = \"subject\")";
}

RuleField other_field(RuleField field) { return field == RuleField::subject ? RuleField::issuer : RuleField::subject; }

// What a failing rule lacks, and how to fix it: one clause each.
std::pair<std::string, std::string> describe_failure(const CompiledRule& rule, const RuleNearMiss& miss,
                                                     const CertDigest& cert) {
  const std::string field = std::string(to_string(rule.field));
  const std::string subfield = subfield_of(rule);
  switch (miss.kind) {
    case RuleNearMiss::Kind::case_only:
      return {rule_with_position(rule) + " fails only by case: the certificate's " + field + " " + subfield + " is " +
                  miss.value + "; it would match if compareCaseSensitive were false",
              "set compareCaseSensitive=\"false\" on that rule (TOML case_sensitive = false), or write the value as "
              "the certificate has it: " + miss.value};
    case RuleNearMiss::Kind::other_field: {
      const std::string own = rule_actual_values(rule, cert);
      return {rule_with_position(rule) + " looks in the " + field + ", but the value is in the certificate's " +
                  miss.attribute + " (" + miss.attribute + " " + subfield + " = " + miss.value + "; " + field + " " +
                  subfield + ": " + own + ")",
              "change the rule to " + field_setting(other_field(rule.field)) + ", or match the " + field +
                  "'s own value"};
    }
    case RuleNearMiss::Kind::other_attribute:
      return {rule_with_position(rule) + " fails: the certificate's " + field + " has " + miss.value + " as " +
                  miss.attribute + ", not as " + subfield,
              "change the rule's certificateSubField to " + miss.attribute + " (TOML subfield = \"" + miss.attribute +
                  "\")"};
    case RuleNearMiss::Kind::none: break;
  }
  const std::string actual = rule_actual_values(rule, cert);
  return {rule_with_position(rule) + (actual == "(absent)" ? " fails: the certificate's " + field + " has no " + subfield
                                                           : " fails: the certificate has " + actual),
          "correct the rule"};
}

struct Failure {
  const CompiledRule* rule;
  RuleNearMiss miss;
};

std::vector<Failure> failures_of(const CompiledMapping& mapping, const CertDigest& cert) {
  std::vector<Failure> failures;
  for (const CompiledRule& rule : mapping.rules) {
    if (!rule_matches(rule, cert)) failures.push_back(Failure{&rule, rule_near_miss(rule, cert)});
  }
  return failures;
}

bool repairable(const std::vector<Failure>& failures) {
  if (failures.empty()) return false;
  for (const Failure& f : failures) {
    if (f.miss.kind == RuleNearMiss::Kind::none) return false;
  }
  return true;
}

std::string_view kind_id(RuleNearMiss::Kind kind) {
  switch (kind) {
    case RuleNearMiss::Kind::case_only: return "case_only";
    case RuleNearMiss::Kind::other_field: return "other_field";
    case RuleNearMiss::Kind::other_attribute: return "other_attribute";
    case RuleNearMiss::Kind::none: break;
  }
  return "no_mapping_matched";
}

constexpr std::size_t kFailuresShown = 3;

// A mapping whose every failing rule would match with one change each.
Cause near_miss_cause(const CompiledMapping& mapping, const std::vector<Failure>& failures, const CertDigest& cert) {
  Cause cause;
  cause.id = std::string(kind_id(failures.front().miss.kind));
  cause.text = mapping_text(*mapping.source) + " would admit this certificate as user " + quoted(mapping.source->user) +
               " but for " + (failures.size() == 1 ? "one rule" : std::to_string(failures.size()) + " rules") + ": ";
  for (std::size_t i = 0; i < failures.size() && i < kFailuresShown; ++i) {
    auto [text, fix] = describe_failure(*failures[i].rule, failures[i].miss, cert);
    if (i > 0) {
      cause.text += "; ";
      cause.fix += "; ";
    }
    cause.text += text;
    cause.fix += fix;
  }
  if (failures.size() > kFailuresShown) cause.text += "; and " + std::to_string(failures.size() - kFailuresShown) + " more";
  return cause;
}

// No mapping comes near: the one with the fewest failing rules, and its first failure.
Cause closest_mapping_cause(const CompiledMapping& mapping, const std::vector<Failure>& failures,
                            const CertDigest& cert) {
  auto [text, fix] = describe_failure(*failures.front().rule, failures.front().miss, cert);
  Cause cause;
  cause.id = "no_mapping_matched";
  cause.text = "no mapping matches this certificate; the nearest, " + mapping_text(*mapping.source) + ", fails " +
               std::to_string(failures.size()) + " of " + std::to_string(mapping.rules.size()) + " rules: " + text;
  if (failures.size() > 1) cause.text += " (and " + std::to_string(failures.size() - 1) + " more)";
  cause.fix = "correct the rules of that mapping or add a mapping for this certificate (certgate explain --cert lists "
              "every rule with the certificate's values)";
  return cause;
}

std::string validity_text(const CertDigest& cert) {
  return "valid " + format_utc(cert.not_before) + " .. " + format_utc(cert.not_after);
}

Cause reissued_cause(const OneToOneFacts& facts, bool same_issuer, const CertDigest& cert,
                     const std::string& fingerprint) {
  const OneToOneMapping& mapping = *facts.mapping;
  const CertDigest& mapped = *facts.cert;
  Cause cause;
  cause.id = "one_to_one_reissued";
  const std::string name = mapping.name.empty() ? "(one-to-one)" : mapping.name;
  cause.text = "a one-to-one mapping matches one exact certificate, and this is not the one mapping " + quoted(name) +
               " (user " + quoted(mapping.user) + ")" + at_position(mapping.where) + " holds: that one has the same " +
               (same_issuer ? "subject and issuer" : "subject (issuer " + quoted(mapped.issuer.rfc4514) + ")") +
               ", so the certificate was reissued: presented SHA-256 " + fingerprint + " (serial " + cert.serial_hex +
               ", " + validity_text(cert) + "), mapped SHA-256 " + facts.sha256_hex + " (serial " + mapped.serial_hex +
               ", " + validity_text(mapped) + ")";
  cause.fix = "update the mapping to the presented certificate: certgate cert convert CLIENT.pem --to iis-blob prints "
              "the blob for [[mapping.one_to_one]] blob (IIS: <oneToOneMappings> certificate=\"...\", or certgate iis "
              "export from the updated TOML)";
  return cause;
}

// A one-to-one mapping that holds exactly this certificate but is not in force.
Cause unused_one_to_one_cause(const CompiledPolicy& policy, const std::string& fingerprint) {
  for (const OneToOneFacts& facts : policy.one_to_one_facts()) {
    if (facts.sha256_hex.empty() || facts.sha256_hex != fingerprint) continue;
    const OneToOneMapping& mapping = *facts.mapping;
    const std::string held = "one-to-one mapping " + quoted(mapping.name.empty() ? "(one-to-one)" : mapping.name) +
                             " (user " + quoted(mapping.user) + ")" + at_position(mapping.where) +
                             " holds this certificate";
    if (!mapping.enabled) {
      return Cause{"one_to_one_disabled", held + ", but it is disabled",
                   "enable that mapping (TOML enabled = true, IIS enabled=\"true\")"};
    }
    if (!policy.source().one_to_one_enabled) {
      return Cause{"one_to_one_switched_off", held + ", but one-to-one mappings are switched off",
                   "switch them on: [mapping] one_to_one_enabled = true (IIS oneToOneCertificateMappingsEnabled=\"true\")"};
    }
  }
  return {};
}

Cause reissued_one_to_one_cause(const CompiledPolicy& policy, const CertDigest& cert, const std::string& fingerprint) {
  if (!policy.source().one_to_one_enabled || cert.subject.rfc4514.empty()) return {};
  const OneToOneFacts* best = nullptr;
  bool best_same_issuer = false;
  for (const OneToOneFacts& facts : policy.one_to_one_facts()) {
    if (!facts.mapping->enabled || !facts.cert || facts.cert->subject.rfc4514 != cert.subject.rfc4514) continue;
    const bool same_issuer = facts.cert->issuer.rfc4514 == cert.issuer.rfc4514;
    if (best == nullptr || (same_issuer && !best_same_issuer)) {
      best = &facts;
      best_same_issuer = same_issuer;
    }
  }
  return best != nullptr ? reissued_cause(*best, best_same_issuer, cert, fingerprint) : Cause{};
}

Cause many_to_one_cause(const CompiledPolicy& policy, const CertDigest& cert) {
  const std::vector<CompiledMapping>& mappings = policy.many_to_one();
  if (!policy.source().many_to_one_enabled) {
    for (const CompiledMapping& mapping : mappings) {
      if (!failures_of(mapping, cert).empty()) continue;
      if (mapping.source->permission != Permission::allow) break;  // the first match would deny it anyway
      return Cause{"many_to_one_switched_off",
                   mapping_text(*mapping.source) + " would admit this certificate as user " +
                       quoted(mapping.source->user) + ", but many-to-one mappings are switched off",
                   "switch them on: [mapping] many_to_one_enabled = true (IIS manyToOneCertificateMappingsEnabled=\"true\")"};
    }
    return {};
  }
  const CompiledMapping* best = nullptr;
  std::vector<Failure> best_failures;
  bool best_repairable = false;
  for (const CompiledMapping& mapping : mappings) {
    if (mapping.source->permission != Permission::allow) continue;  // coming near a deny mapping refuses nothing
    std::vector<Failure> failures = failures_of(mapping, cert);
    if (failures.empty()) continue;
    const bool fixable = repairable(failures);
    const bool better = best == nullptr || (fixable && !best_repairable) ||
                        (fixable == best_repairable && failures.size() < best_failures.size());
    if (better) {
      best = &mapping;
      best_failures = std::move(failures);
      best_repairable = fixable;
    }
  }
  if (best == nullptr) return {};
  return best_repairable ? near_miss_cause(*best, best_failures, cert) : closest_mapping_cause(*best, best_failures, cert);
}

}  // namespace

RuleNearMiss rule_near_miss(const CompiledRule& rule, const CertDigest& cert) {
  RuleNearMiss miss;
  const DistinguishedName& own = name_for(cert, rule.field);
  if (rule.pattern.case_sensitive) {
    // The comparison decide() makes for compareCaseSensitive="false", on the rule as written.
    const WildcardPattern folded = WildcardPattern::parse(written_match(rule), false);
    for (const DnAttribute& attribute : own.attributes) {
      if (attribute.oid == rule.oid && folded.matches(attribute.value)) {
        miss.kind = RuleNearMiss::Kind::case_only;
        miss.value = value_text(attribute.value);
        return miss;
      }
    }
  }
  const RuleField other = other_field(rule.field);
  for (const DnAttribute& attribute : name_for(cert, other).attributes) {
    if (attribute.oid == rule.oid && rule.pattern.matches(attribute.value)) {
      miss.kind = RuleNearMiss::Kind::other_field;
      miss.value = value_text(attribute.value);
      miss.attribute = std::string(to_string(other));
      return miss;
    }
  }
  if (rule.pattern.kind == WildcardPattern::Kind::any) return miss;  // "*" fails only on an absent attribute
  for (const DnAttribute& attribute : own.attributes) {
    if (attribute.oid != rule.oid && rule.pattern.matches(attribute.value)) {
      miss.kind = RuleNearMiss::Kind::other_attribute;
      miss.value = value_text(attribute.value);
      miss.attribute = attribute.short_name.empty() ? attribute.oid : attribute.short_name;
      return miss;
    }
  }
  return miss;
}

std::string near_miss_note(const CompiledRule& rule, const RuleNearMiss& miss) {
  const std::string field = std::string(to_string(rule.field));
  switch (miss.kind) {
    case RuleNearMiss::Kind::case_only:
      return "It fails only by case (the certificate has " + miss.value +
             "): it would match if compareCaseSensitive were false.";
    case RuleNearMiss::Kind::other_field:
      return "The value is in the certificate's " + miss.attribute + " (" + miss.attribute + " " + subfield_of(rule) +
             " = " + miss.value + "), not in its " + field + ".";
    case RuleNearMiss::Kind::other_attribute:
      return "The " + field + " has " + miss.value + " as " + miss.attribute + ", not as " + subfield_of(rule) + ".";
    case RuleNearMiss::Kind::none: break;
  }
  return "";
}

Cause mapping_refusal_cause(const CompiledPolicy& policy, const CertDigest& cert, const std::string& fingerprint) {
  if (Cause cause = unused_one_to_one_cause(policy, fingerprint); !cause.empty()) return cause;
  if (Cause cause = reissued_one_to_one_cause(policy, cert, fingerprint); !cause.empty()) return cause;
  if (Cause cause = many_to_one_cause(policy, cert); !cause.empty()) return cause;

  const MappingPolicy& source = policy.source();
  bool one_to_one_in_force = false;
  for (const OneToOneMapping& mapping : source.one_to_one) one_to_one_in_force |= mapping.enabled;
  one_to_one_in_force &= source.one_to_one_enabled;
  bool allow_in_force = false;
  for (const CompiledMapping& mapping : policy.many_to_one()) allow_in_force |= mapping.source->permission == Permission::allow;
  allow_in_force &= source.many_to_one_enabled;
  if (!one_to_one_in_force && !allow_in_force) {
    return Cause{"no_mapping_in_force",
                 "no mapping can admit a certificate: every configured mapping is disabled, switched off or a deny "
                 "mapping",
                 "enable a mapping that admits this certificate"};
  }
  return Cause{"no_mapping_matched",
               "no mapping matches this certificate: no one-to-one mapping holds it (SHA-256 " + fingerprint +
                   ") or another certificate with its subject, and no many-to-one mapping admits it",
               "add a one-to-one mapping with this certificate (certgate cert convert CLIENT.pem --to iis-blob prints "
               "its blob) or a many-to-one mapping that matches it"};
}

}  // namespace certgate::core
