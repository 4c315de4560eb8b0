#include "core/control_characters.hpp"

#include <cstdio>

namespace certgate::core {
namespace {

std::string hex_byte(unsigned char byte) {
  char text[5];
  std::snprintf(text, sizeof text, "%02X", static_cast<unsigned>(byte));
  return text;
}

std::string_view control_name(unsigned char byte) {
  switch (byte) {
    case 0x00: return "NUL";
    case 0x09: return "TAB";
    case 0x0a: return "LF";
    case 0x0d: return "CR";
    case 0x1b: return "ESC";
    case 0x7f: return "DEL";
    default: return "";
  }
}

}  // namespace

std::size_t find_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_control_character(text[i])) return i;
  }
  return std::string_view::npos;
}

std::string describe_control_character(std::string_view text) {
  const std::size_t at = find_control_character(text);
  if (at == std::string_view::npos) return "";
  const auto byte = static_cast<unsigned char>(text[at]);
  const std::string_view name = control_name(byte);
  return "the control character 0x" + hex_byte(byte) + (name.empty() ? "" : " (" + std::string(name) + ")") +
         " at byte " + std::to_string(at + 1);
}

std::string escape_control_characters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_control_character(c)) {
      out += "\\x" + hex_byte(static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace certgate::core
