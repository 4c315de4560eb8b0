#pragma once
// The cause of a mapping refusal: for a verified certificate that no mapping admitted, the configured mapping
// it came nearest to and what is wrong with it — a one-to-one mapping holding a reissued certificate with the
// same names, a rule that fails only by case or whose value is in the other field, a mapping that would
// admit it but is disabled or switched off. Runs only for refusals (decide() calls it after its verdict, which
// it cannot change); every comparison goes through the matcher decide() uses (rule_matches,
// WildcardPattern::matches), so a diagnosis never disagrees with the decision.
#include <string>

#include "core/cause.hpp"
#include "core/cert_digest.hpp"
#include "core/compiled_policy.hpp"

namespace certgate::core {

// How a rule that fails would have matched, or none.
struct RuleNearMiss {
  enum class Kind { none, case_only, other_field, other_attribute };
  Kind kind = Kind::none;
  std::string value;      // the certificate's value that would match (control characters as \xHH)
  std::string attribute;  // other_attribute: the attribute holding it ("O"); other_field: "issuer"/"subject"
};

// For a rule that does not match the certificate: would it match ignoring case (a case-sensitive rule), in
// the other field (subject <-> issuer, same attribute), or under another attribute of the same field?
RuleNearMiss rule_near_miss(const CompiledRule& rule, const CertDigest& cert);

// One sentence for a trace ("It would match if compareCaseSensitive were false: ..."), "" for none.
std::string near_miss_note(const CompiledRule& rule, const RuleNearMiss& miss);

// The cause of refusing a verified certificate that no mapping admitted. `fingerprint` is its SHA-256 (hex).
Cause mapping_refusal_cause(const CompiledPolicy& policy, const CertDigest& cert, const std::string& fingerprint);

}  // namespace certgate::core
