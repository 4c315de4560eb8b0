#pragma once
// The key of an IIS many-to-one rule. IIS lists certificateField, certificateSubField, matchCriteria and
// compareCaseSensitive each as "a key property", so a rules collection holds each combination once: the
// reader refuses a second <add> of one, and the writers write it once.
#include "core/ascii.hpp"
#include "core/mapping_policy.hpp"

namespace certgate::config {

inline bool same_iis_rule_key(const core::MappingRule& rule, core::RuleField field, std::string_view subfield,
                              std::string_view match, bool case_sensitive) {
  return rule.field == field && core::ascii::lower_copy(rule.subfield) == core::ascii::lower_copy(subfield) &&
         rule.match == match && rule.case_sensitive == case_sensitive;
}

inline bool same_iis_rule_key(const core::MappingRule& a, const core::MappingRule& b) {
  return same_iis_rule_key(a, b.field, b.subfield, b.match, b.case_sensitive);
}

}  // namespace certgate::config
