#include "core/cert_digest.hpp"

namespace certgate::core {

std::vector<std::string_view> DistinguishedName::values_of(std::string_view oid) const {
  std::vector<std::string_view> values;
  for (const DnAttribute& attribute : attributes) {
    if (attribute.oid == oid) values.emplace_back(attribute.value);
  }
  return values;
}

}  // namespace certgate::core
