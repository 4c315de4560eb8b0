#pragma once
// Certificates as text, without OpenSSL: PEM armour, base64 and the IIS one-line blob (base64 DER,
// whitespace and newlines tolerated). Used by the config loaders for one-to-one mappings.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certgate::config {

// Decodes standard base64; ASCII whitespace anywhere is ignored. nullopt on any other bad character.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

// The DER bytes of every "-----BEGIN CERTIFICATE-----" block in text, in order.
std::vector<std::string> pem_certificates(std::string_view text);

// A certificate given as PEM, DER or IIS blob -> DER of the first certificate. nullopt when none is
// recognisable. (Whether the DER parses as X.509 is checked later, by src/tls.)
std::optional<std::string> certificate_der(std::string_view bytes);

}  // namespace certgate::config
