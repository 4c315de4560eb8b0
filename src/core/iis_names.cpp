#include "core/iis_names.hpp"

#include <array>
#include <utility>

namespace certgate::core {

std::string_view iis_subfield_name(std::string_view oid) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kNames = {{
      {"2.5.4.3", "CN"},
      {"2.5.4.11", "OU"},
      {"2.5.4.10", "O"},
      {"2.5.4.7", "L"},
      {"2.5.4.8", "S"},
      {"2.5.4.6", "C"},
      {"1.2.840.113549.1.9.1", "E"},
  }};
  for (const auto& [dotted, name] : kNames) {
    if (dotted == oid) return name;
  }
  return {};
}

}  // namespace certgate::core
