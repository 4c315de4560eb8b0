#pragma once
// SHA-256 (FIPS 180-4) in plain C++, so that compile() can fingerprint one-to-one certificates
// without linking OpenSSL into the core.
#include <string>
#include <string_view>

namespace certgate::core {

// Lowercase hex of the SHA-256 digest of `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);

}  // namespace certgate::core
