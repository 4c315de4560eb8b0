// IIS rule subfields (Subject/Issuer "CN", "OU", ...) resolved to the attribute OIDs the digest carries.
#include <array>

#include "core/ascii.hpp"
#include "core/compiled_policy.hpp"

namespace certgate::core {
namespace {

struct SubfieldName {
  std::string_view name;  // lower-case
  std::string_view oid;
};

constexpr std::array<SubfieldName, 9> kSubfieldNames = {{
    {"cn", "2.5.4.3"},
    {"ou", "2.5.4.11"},
    {"o", "2.5.4.10"},
    {"l", "2.5.4.7"},
    {"s", "2.5.4.8"},   // IIS writes S for stateOrProvinceName
    {"st", "2.5.4.8"},  // the X.500 / OpenSSL short name
    {"c", "2.5.4.6"},
    {"e", "1.2.840.113549.1.9.1"},
    {"emailaddress", "1.2.840.113549.1.9.1"},
}};

// Digits and dots, at least one dot, no empty arc ("2.5.4.3" yes; "2", "2..5", ".2" no).
bool is_dotted_oid(std::string_view text) {
  bool saw_dot = false;
  bool arc_has_digit = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      arc_has_digit = true;
    } else if (c == '.') {
      if (!arc_has_digit) return false;
      saw_dot = true;
      arc_has_digit = false;
    } else {
      return false;
    }
  }
  return saw_dot && arc_has_digit;
}

}  // namespace

std::string subfield_oid(std::string_view subfield) {
  for (const SubfieldName& entry : kSubfieldNames) {
    if (ascii::equals_folded(subfield, entry.name)) return std::string(entry.oid);
  }
  if (is_dotted_oid(subfield)) return std::string(subfield);
  return "";
}

}  // namespace certgate::core
