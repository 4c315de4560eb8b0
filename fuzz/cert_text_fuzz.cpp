// libFuzzer driver: certificates as text without OpenSSL (config::base64_decode, pem_certificates,
// certificate_der), the code the TOML and IIS loaders use for one-to-one blobs. Besides crashes, it
// checks round trips and that the IIS-blob decoder of src/tls reads the same bytes as src/config's.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/cert_text.hpp"
#include "fuzz_support.hpp"
#include "tls/openssl_io.hpp"

namespace {

using namespace certgate;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string without_space(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!is_space(c)) out.push_back(c);
  }
  return out;
}

void check_base64(std::string_view text) {
  // Any bytes survive encoding and decoding unchanged.
  const std::string encoded = config::base64_encode(text);
  const auto decoded_back = config::base64_decode(encoded);
  fuzz::require(decoded_back && *decoded_back == text, "base64_decode(base64_encode(x)) != x");
  fuzz::require(encoded.size() % 4 == 0, "base64_encode produced a length that is not a multiple of 4");

  // Whitespace anywhere is ignored: removing it changes nothing.
  const auto decoded = config::base64_decode(text);
  const auto compact = config::base64_decode(without_space(text));
  fuzz::require(decoded.has_value() == compact.has_value() && (!decoded || *decoded == *compact),
                "base64_decode depends on whitespace");
  if (decoded) {
    const auto again = config::base64_decode(config::base64_encode(*decoded));
    fuzz::require(again && *again == *decoded, "decoded bytes do not survive a second round trip");
  }

  // src/tls reads IIS blobs with its own decoder; where it accepts text, both must agree on the bytes.
  const std::string blob = tls::detail::decode_base64_blob(text);
  if (!blob.empty()) {
    fuzz::require(decoded.has_value(), "tls accepts a base64 blob that config refuses");
    fuzz::require(*decoded == blob, "tls and config decode the same base64 blob to different bytes");
  }
}

void check_certificates(std::string_view text) {
  for (const std::string& der : config::pem_certificates(text)) {
    fuzz::require(!der.empty(), "pem_certificates returned an empty block");
  }
  if (auto der = config::certificate_der(text)) {
    fuzz::require(!der->empty(), "certificate_der returned empty bytes");
    constexpr std::string_view armour = "-----BEGIN CERTIFICATE-----";
    if (text.find(armour) != std::string_view::npos) return;  // what PEM holds is for src/tls to check
    fuzz::require(static_cast<unsigned char>((*der)[0]) == 0x30, "certificate_der returned bytes that are not a DER SEQUENCE");
    // A certificate's own DER is recognised as itself (unless its bytes happen to hold PEM armour).
    if (der->find(armour) != std::string::npos) return;
    const auto again = config::certificate_der(*der);
    fuzz::require(again && *again == *der, "certificate_der does not recognise the DER it returned");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check_base64(text);
  check_certificates(text);
  return 0;
}
