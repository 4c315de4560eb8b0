#include "core/mapping_mode.hpp"

#include <algorithm>

namespace certgate::core {
namespace {

std::string count_text(std::size_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

template <typename Mapping>
std::size_t enabled_count(const std::vector<Mapping>& mappings) {
  return static_cast<std::size_t>(
      std::count_if(mappings.begin(), mappings.end(), [](const Mapping& mapping) { return mapping.enabled; }));
}

std::string unmatched_outcome(const MappingPolicy& policy) {
  return policy.anonymous ? "admitted without an identity (anonymous = true)" : "refused with 401.2";
}

}  // namespace

MappingMode mapping_mode(const MappingPolicy& policy) {
  if (policy.has_mappings()) return MappingMode::mapped;
  return policy.chain_only ? MappingMode::chain_only : MappingMode::none;
}

std::string_view to_string(MappingMode mode) {
  switch (mode) {
    case MappingMode::mapped: return "mapped";
    case MappingMode::chain_only: return "chain_only";
    case MappingMode::none: return "none";
  }
  return "unknown";
}

std::size_t mappings_in_force(const MappingPolicy& policy) {
  return (policy.one_to_one_enabled ? enabled_count(policy.one_to_one) : 0) +
         (policy.many_to_one_enabled ? enabled_count(policy.many_to_one) : 0);
}

std::string describe_mapping_mode(const MappingPolicy& policy, ClientCertMode mode) {
  std::string text;
  switch (mapping_mode(policy)) {
    case MappingMode::mapped: {
      const std::size_t total = policy.one_to_one.size() + policy.many_to_one.size();
      text = "mapped with " + count_text(total, "mapping", "mappings") + " (" + std::to_string(policy.one_to_one.size()) +
             " one-to-one, " + std::to_string(policy.many_to_one.size()) + " many-to-one)";
      const std::size_t in_force = mappings_in_force(policy);
      if (in_force == 0) {
        text += ", none of them in force (disabled or switched off): every certificate that verifies is " +
                unmatched_outcome(policy);
      } else if (in_force < total) {
        text += ", " + std::to_string(in_force) + " of them in force";
      }
      break;
    }
    case MappingMode::chain_only:
      text = "chain-only (chain_only = true): every certificate that verifies is admitted, as its subject CN";
      break;
    case MappingMode::none:
      text = "no mapping: no mappings are configured and chain_only is not set, so every certificate that verifies "
             "is " + unmatched_outcome(policy);
      break;
  }
  if (mode == ClientCertMode::ignore) text += " (mode ignore: no client certificate is requested, so it never applies)";
  return text;
}

}  // namespace certgate::core
