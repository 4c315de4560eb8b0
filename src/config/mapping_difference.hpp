#pragma once
// Comparing two mapping policies field by field (positions ignored), for round-trip checks: the import
// verifies its own output with it, and the tests use it to say what differs.
#include <string>

#include "core/mapping_policy.hpp"

namespace certgate::config {

// "" when every field of a equals b's (SourcePos ignored); otherwise the first difference, e.g.
// "many_to_one[2].rules[0].match: \"a*\" vs \"A*\"".
std::string mapping_difference(const core::MappingPolicy& a, const core::MappingPolicy& b);

}  // namespace certgate::config
