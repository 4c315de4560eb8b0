// IIS many-to-one wildcards: a '*' is special only at the start and/or the end of the pattern.
#include "core/ascii.hpp"
#include "core/compiled_policy.hpp"

namespace certgate::core {

WildcardPattern WildcardPattern::parse(std::string_view pattern, bool case_sensitive) {
  WildcardPattern result;
  result.case_sensitive = case_sensitive;

  const std::size_t first_literal = pattern.find_first_not_of('*');
  if (!pattern.empty() && first_literal == std::string_view::npos) {
    result.kind = Kind::any;  // "*", "**", ...
    return result;
  }
  // Runs of stars at either end count as one star ("**abc" is "*abc").
  const std::size_t leading = pattern.empty() ? 0 : first_literal;
  const std::size_t last_literal = pattern.find_last_not_of('*');
  const std::size_t trailing = pattern.empty() ? 0 : pattern.size() - 1 - last_literal;
  const std::string_view literal = pattern.substr(leading, pattern.size() - leading - trailing);

  if (leading > 0 && trailing > 0) {
    result.kind = Kind::contains;
  } else if (leading > 0) {
    result.kind = Kind::suffix;
  } else if (trailing > 0) {
    result.kind = Kind::prefix;
  } else {
    result.kind = Kind::exact;
  }
  result.text = case_sensitive ? std::string(literal) : ascii::lower_copy(literal);
  return result;
}

bool WildcardPattern::matches(std::string_view value) const {
  if (case_sensitive) {
    switch (kind) {
      case Kind::exact: return value == text;
      case Kind::prefix: return value.starts_with(text);
      case Kind::suffix: return value.ends_with(text);
      case Kind::contains: return value.find(text) != std::string_view::npos;
      case Kind::any: return true;
    }
    return false;
  }
  switch (kind) {
    case Kind::exact: return ascii::equals_folded(value, text);
    case Kind::prefix: return ascii::starts_with_folded(value, text);
    case Kind::suffix: return ascii::ends_with_folded(value, text);
    case Kind::contains: return ascii::contains_folded(value, text);
    case Kind::any: return true;
  }
  return false;
}

}  // namespace certgate::core
