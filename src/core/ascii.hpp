#pragma once
// ASCII-only case folding for IIS "caseSensitive=false" comparisons. Bytes outside A-Z (including UTF-8
// sequences) compare exactly, as IIS's ordinal-ignore-case does for the ASCII range.
#include <string>
#include <string_view>

namespace certgate::core::ascii {

constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string lower_copy(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

// `value` compared to `lowered` (already lower-case) ignoring ASCII case; no allocation.
inline bool equals_folded(std::string_view value, std::string_view lowered) {
  if (value.size() != lowered.size()) return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (to_lower(value[i]) != lowered[i]) return false;
  }
  return true;
}

inline bool starts_with_folded(std::string_view value, std::string_view lowered) {
  return value.size() >= lowered.size() && equals_folded(value.substr(0, lowered.size()), lowered);
}

inline bool ends_with_folded(std::string_view value, std::string_view lowered) {
  return value.size() >= lowered.size() && equals_folded(value.substr(value.size() - lowered.size()), lowered);
}

inline bool contains_folded(std::string_view value, std::string_view lowered) {
  if (lowered.size() > value.size()) return false;
  for (std::size_t start = 0; start + lowered.size() <= value.size(); ++start) {
    if (equals_folded(value.substr(start, lowered.size()), lowered)) return true;
  }
  return false;
}

}  // namespace certgate::core::ascii
