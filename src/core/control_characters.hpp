#pragma once
// Control characters (0x00-0x1F and 0x7F) in text that ends up in an HTTP header or a log line. A CR or
// LF there ends the line early and lets the rest pose as a header or a log entry of its own; a NUL cuts
// the value short wherever it is read as a C string.
#include <cstddef>
#include <string>
#include <string_view>

namespace certgate::core {

constexpr bool is_control_character(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// Index of the first control character, or std::string_view::npos.
std::size_t find_control_character(std::string_view text);

// "the control character 0x0D (CR) at byte 4" for the first one; "" when there is none.
std::string describe_control_character(std::string_view text);

// The text with every control character written as \xHH ("a\r\nb" -> "a\x0D\x0Ab"), for traces and
// messages that show a value which cannot be shown as it is.
std::string escape_control_characters(std::string_view text);

}  // namespace certgate::core
