#pragma once
// What a host block's mapping policy does with a certificate that verifies, named and in one sentence:
// `certgate check` prints it for every block and decide()'s trace starts its mapping part with it, so
// both say the same thing.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/mapping_policy.hpp"

namespace certgate::core {

enum class MappingMode {
  mapped,      // one-to-one and/or many-to-one mappings are configured (some may be disabled)
  chain_only,  // chosen with chain_only = true: a verified chain is enough, identity = subject CN
  none,        // no mappings and chain_only not set: no certificate gets an identity (401.2 unless anonymous)
};

MappingMode mapping_mode(const MappingPolicy& policy);
std::string_view to_string(MappingMode mode);  // "mapped", "chain_only", "none"

// Mappings decide() consults: enabled ones in a collection that is switched on.
std::size_t mappings_in_force(const MappingPolicy& policy);

// "mapped with 3 mappings (1 one-to-one, 2 many-to-one)", "chain-only: ...", "no mapping: ...", with what
// follows for a verified certificate; mode ignore adds that no certificate is requested.
std::string describe_mapping_mode(const MappingPolicy& policy, ClientCertMode mode);

}  // namespace certgate::core
