#pragma once
// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Rule values
// are compared byte by byte; that gives IIS's answers (it compares UTF-16) only when both sides are
// well-formed, since a stray byte could otherwise match inside a multi-byte character.
#include <cstddef>
#include <string>
#include <string_view>

namespace certgate::core {

// Index of the first byte that does not start a well-formed sequence, or std::string_view::npos.
std::size_t find_invalid_utf8(std::string_view text);

// "the byte 0xE9 at byte 3 does not start a well-formed UTF-8 character" for the first one; "" when valid.
std::string describe_invalid_utf8(std::string_view text);

}  // namespace certgate::core
