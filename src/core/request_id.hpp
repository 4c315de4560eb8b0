#pragma once
// Which request ids certgate takes from the verified edge ([headers] request_id_from, CF-Ray by default): a short
// token of characters that are safe as they are in a header line, a text log field and a JSON string, so a taken
// id is never escaped, cut or quoted anywhere. Anything else is replaced by a generated id, never repaired.
#include <cstddef>
#include <string_view>

namespace certgate::core {

constexpr std::size_t kMaxRequestIdBytes = 128;

// 1 to kMaxRequestIdBytes bytes, each of A-Z a-z 0-9 '-' '_' '.' ':'.
bool acceptable_request_id(std::string_view value);

}  // namespace certgate::core
