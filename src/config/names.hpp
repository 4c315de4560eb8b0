#pragma once
// Checks and suggestions for the names a configuration contains: keys, server names, header names.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certgate::config {

// The known name closest to `unknown` (edit distance <= 2, ASCII case ignored), for "did you mean".
std::optional<std::string_view> closest_name(std::string_view unknown, const std::vector<std::string_view>& known);

// "api.example.com" or "*.example.com": LDH labels of 1..63 characters, 253 at most in all.
bool is_server_name(std::string_view name);

// An HTTP field name (RFC 9110 token).
bool is_header_name(std::string_view name);

// "a, b, c" for error messages.
std::string join(const std::vector<std::string_view>& items, std::string_view separator = ", ");

}  // namespace certgate::config
