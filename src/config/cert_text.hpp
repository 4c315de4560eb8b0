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

// The IIS one-line blob (base64 of one DER certificate; whitespace tolerated) -> its DER. nullopt when
// the text is anything else; blob_problem() then says what it is instead.
std::optional<std::string> blob_certificate_der(std::string_view text);

// What a text that should be an IIS certificate blob holds instead, in words ("PEM armour (-----BEGIN
// CERTIFICATE-----)", "a SHA-1 thumbprint (40 hex digits)", "base64 of a PKCS#12 (.pfx) file", ...);
// "" when it is a blob.
std::string blob_problem(std::string_view text);

}  // namespace certgate::config
