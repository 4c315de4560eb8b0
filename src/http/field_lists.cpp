#include "http/field_lists.hpp"

#include "core/ascii.hpp"

namespace certgate::h1 {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool split_list(std::string_view value, FieldViews& out) {
  bool well_formed = true;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t comma = value.find(',', pos);
    const std::string_view element = trim_ows(value.substr(pos, comma == std::string_view::npos ? value.size() - pos : comma - pos));
    if (element.empty()) well_formed = false;
    else out.push_back(element);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return well_formed;
}

bool list_contains(std::string_view value, std::string_view token) {
  std::size_t pos = 0;
  for (;;) {
    const std::size_t comma = value.find(',', pos);
    const std::string_view element = trim_ows(value.substr(pos, comma == std::string_view::npos ? value.size() - pos : comma - pos));
    if (core::ascii::equals_folded(element, token)) return true;
    if (comma == std::string_view::npos) return false;
    pos = comma + 1;
  }
}

}  // namespace certgate::h1
