#pragma once
// Evaluation of compiled many-to-one rules against a certificate digest. Used by decide(); the
// matching itself never allocates, so the hot path stays allocation-free.
#include <string>

#include "core/cert_digest.hpp"
#include "core/compiled_policy.hpp"

namespace certgate::core {

const DistinguishedName& name_for(const CertDigest& cert, RuleField field);

// True when the rule's attribute is present and ANY of its values matches the wildcard.
bool rule_matches(const CompiledRule& rule, const CertDigest& cert);

// Every value of the rule's attribute joined with " | ", or "(absent)" (for traces); control characters
// are written as \xHH.
std::string rule_actual_values(const CompiledRule& rule, const CertDigest& cert);

// `subject.CN = "*.example.com" (case-sensitive)` (for traces).
std::string rule_text(const CompiledRule& rule);

}  // namespace certgate::core
