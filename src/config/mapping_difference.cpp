#include "config/mapping_difference.hpp"

#include <type_traits>

#include "core/sha256.hpp"

namespace certgate::config {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }
std::string text(bool b) { return b ? "true" : "false"; }
std::string text(core::Permission p) { return std::string(core::to_string(p)); }
std::string text(core::RuleField f) { return std::string(core::to_string(f)); }

// Records the first difference only; later calls do nothing once one is found.
struct Differ {
  std::string found;

  template <typename T>
  void field(const std::string& where, const T& a, const T& b) {
    if (!found.empty() || a == b) return;
    if constexpr (std::is_same_v<T, std::string>) {
      found = where + ": " + quoted(a) + " vs " + quoted(b);
    } else {
      found = where + ": " + text(a) + " vs " + text(b);
    }
  }
  void count(const std::string& where, std::size_t a, std::size_t b) {
    if (found.empty() && a != b) found = where + ": " + std::to_string(a) + " vs " + std::to_string(b) + " entries";
  }
};

}  // namespace

std::string mapping_difference(const core::MappingPolicy& a, const core::MappingPolicy& b) {
  Differ d;
  d.field("one_to_one_enabled", a.one_to_one_enabled, b.one_to_one_enabled);
  d.field("many_to_one_enabled", a.many_to_one_enabled, b.many_to_one_enabled);
  d.field("anonymous", a.anonymous, b.anonymous);
  d.field("chain_only", a.chain_only, b.chain_only);
  d.count("one_to_one", a.one_to_one.size(), b.one_to_one.size());
  for (std::size_t i = 0; d.found.empty() && i < a.one_to_one.size(); ++i) {
    const auto& x = a.one_to_one[i];
    const auto& y = b.one_to_one[i];
    std::string at = "one_to_one[" + std::to_string(i) + "].";
    d.field(at + "name", x.name, y.name);
    d.field(at + "user", x.user, y.user);
    d.field(at + "password", x.password, y.password);
    d.field(at + "enabled", x.enabled, y.enabled);
    // DER bytes are not printable: compare them by fingerprint.
    d.field(at + "certificate (SHA-256)", core::sha256_hex(x.der), core::sha256_hex(y.der));
  }
  d.count("many_to_one", a.many_to_one.size(), b.many_to_one.size());
  for (std::size_t i = 0; d.found.empty() && i < a.many_to_one.size(); ++i) {
    const auto& x = a.many_to_one[i];
    const auto& y = b.many_to_one[i];
    std::string at = "many_to_one[" + std::to_string(i) + "].";
    d.field(at + "name", x.name, y.name);
    d.field(at + "description", x.description, y.description);
    d.field(at + "enabled", x.enabled, y.enabled);
    d.field(at + "permission", x.permission, y.permission);
    d.field(at + "user", x.user, y.user);
    d.field(at + "password", x.password, y.password);
    d.count(at + "rules", x.rules.size(), y.rules.size());
    for (std::size_t r = 0; d.found.empty() && r < x.rules.size(); ++r) {
      std::string rat = at + "rules[" + std::to_string(r) + "].";
      d.field(rat + "field", x.rules[r].field, y.rules[r].field);
      d.field(rat + "subfield", x.rules[r].subfield, y.rules[r].subfield);
      d.field(rat + "match", x.rules[r].match, y.rules[r].match);
      d.field(rat + "case_sensitive", x.rules[r].case_sensitive, y.rules[r].case_sensitive);
    }
  }
  return d.found;
}

}  // namespace certgate::config
