#include "core/rule_match.hpp"

#include "core/control_characters.hpp"

namespace certgate::core {

const DistinguishedName& name_for(const CertDigest& cert, RuleField field) {
  return field == RuleField::issuer ? cert.issuer : cert.subject;
}

bool rule_matches(const CompiledRule& rule, const CertDigest& cert) {
  for (const DnAttribute& attribute : name_for(cert, rule.field).attributes) {
    if (attribute.oid == rule.oid && rule.pattern.matches(attribute.value)) return true;
  }
  return false;
}

std::string rule_actual_values(const CompiledRule& rule, const CertDigest& cert) {
  std::string joined;
  bool any = false;
  for (const DnAttribute& attribute : name_for(cert, rule.field).attributes) {
    if (attribute.oid != rule.oid) continue;
    if (any) joined += " | ";
    joined += escape_control_characters(attribute.value);  // shown on a terminal: nothing may break the line
    any = true;
  }
  return any ? joined : "(absent)";
}

std::string rule_text(const CompiledRule& rule) {
  const bool case_sensitive = rule.source ? rule.source->case_sensitive : rule.pattern.case_sensitive;
  const std::string& match = rule.source ? rule.source->match : rule.pattern.text;
  return rule.label + " = \"" + match + "\" (" + (case_sensitive ? "case-sensitive" : "case-insensitive") + ")";
}

}  // namespace certgate::core
