// Certificates as text: base64, PEM armour and the IIS one-line blob. No OpenSSL here; whether the
// DER is a valid X.509 certificate is for src/tls to say.
#include "config/cert_text.hpp"

#include <array>
#include <cctype>
#include <cstdint>

namespace certgate::config {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> decode_table() {
  std::array<int, 256> table{};
  for (int& entry : table) entry = -1;
  for (std::size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  return table;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// True when bytes are exactly one DER SEQUENCE (tag 0x30, definite length covering the rest).
// Enough to tell a DER certificate from text without parsing X.509.
bool is_der_sequence(std::string_view bytes) {
  if (bytes.size() < 2 || static_cast<unsigned char>(bytes[0]) != 0x30) return false;
  auto first = static_cast<unsigned char>(bytes[1]);
  std::size_t header = 2;
  std::size_t length = 0;
  if (first < 0x80) {
    length = first;
  } else {
    std::size_t count = first & 0x7f;
    if (count == 0 || count > 4 || bytes.size() < 2 + count) return false;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | static_cast<unsigned char>(bytes[2 + i]);
    header += count;
  }
  return header + length == bytes.size();
}

// The first element inside a DER SEQUENCE: its tag and its content (empty view when malformed).
struct DerElement {
  unsigned char tag = 0;
  std::string_view content;
};
DerElement first_inner(std::string_view sequence) {
  auto header = [](std::string_view bytes, DerElement& out) -> std::size_t {
    if (bytes.size() < 2) return 0;
    out.tag = static_cast<unsigned char>(bytes[0]);
    auto first = static_cast<unsigned char>(bytes[1]);
    std::size_t at = 2;
    std::size_t length = first;
    if (first >= 0x80) {
      std::size_t count = first & 0x7f;
      if (count == 0 || count > 4 || bytes.size() < 2 + count) return 0;
      length = 0;
      for (std::size_t i = 0; i < count; ++i) length = (length << 8) | static_cast<unsigned char>(bytes[2 + i]);
      at += count;
    }
    if (at + length > bytes.size()) return 0;
    out.content = bytes.substr(at, length);
    return at + length;
  };
  DerElement outer;
  if (header(sequence, outer) == 0) return {};
  DerElement inner;
  if (header(outer.content, inner) == 0) return {};
  return inner;
}

// "AB:CD ..." or "abcd..." (with the invisible U+200E that Windows' certificate dialog copies in front):
// the number of hex digits, or 0 when the text is not hex with separators.
std::size_t thumbprint_digits(std::string_view text) {
  constexpr std::string_view left_to_right_mark = "\xE2\x80\x8E";
  std::size_t digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, left_to_right_mark.size()) == left_to_right_mark) {
      i += left_to_right_mark.size() - 1;
      continue;
    }
    char c = text[i];
    if (is_space(c) || c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return 0;
    ++digits;
  }
  return digits;
}

constexpr std::string_view pem_begin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view pem_end = "-----END CERTIFICATE-----";

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  static constexpr auto table = decode_table();
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;  // base64 characters and '=' seen, whitespace excluded
  std::size_t padding = 0;
  for (char c : text) {
    if (is_space(c)) continue;
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    int value = table[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    ++symbols;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (padding > 2) return std::nullopt;
  if (padding > 0 && symbols % 4 != 0) return std::nullopt;
  if (symbols % 4 == 1) return std::nullopt;  // a lone trailing character encodes no whole byte
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                      static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    out.push_back(alphabet[(n >> 6) & 63]);
    out.push_back(alphabet[n & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? alphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::vector<std::string> pem_certificates(std::string_view text) {
  std::vector<std::string> found;
  std::size_t at = 0;
  while ((at = text.find(pem_begin, at)) != std::string_view::npos) {
    std::size_t body = at + pem_begin.size();
    std::size_t end = text.find(pem_end, body);
    if (end == std::string_view::npos) break;
    if (auto der = base64_decode(text.substr(body, end - body)); der && !der->empty()) {
      found.push_back(std::move(*der));
    }
    at = end + pem_end.size();
  }
  return found;
}

std::optional<std::string> certificate_der(std::string_view bytes) {
  if (bytes.find(pem_begin) != std::string_view::npos) {
    auto certs = pem_certificates(bytes);
    if (certs.empty()) return std::nullopt;
    return std::move(certs.front());
  }
  if (is_der_sequence(bytes)) return std::string(bytes);
  if (auto decoded = base64_decode(bytes); decoded && is_der_sequence(*decoded)) return decoded;
  return std::nullopt;
}

}  // namespace certgate::config

namespace certgate::config {

std::optional<std::string> blob_certificate_der(std::string_view text) {
  if (!blob_problem(text).empty()) return std::nullopt;
  return base64_decode(text);
}

std::string blob_problem(std::string_view text) {
  if (std::size_t at = text.find("-----BEGIN "); at != std::string_view::npos) {
    std::size_t end = text.find("-----", at + 11);
    std::string label(text.substr(at, end == std::string_view::npos ? 27 : end + 5 - at));
    if (text.find(pem_begin) != std::string_view::npos) return "PEM armour (" + std::string(pem_begin) + ")";
    return "a PEM block (" + label + "), not a certificate";
  }
  // Hex digits are base64 characters too, so thumbprints are recognised first.
  if (std::size_t digits = thumbprint_digits(text); digits == 40 || digits == 64) {
    return std::string(digits == 40 ? "a SHA-1" : "a SHA-256") + " thumbprint (" + std::to_string(digits) +
           " hex digits), not the certificate itself";
  }
  auto decoded = base64_decode(text);
  if (!decoded) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (is_space(text[i]) || c == '=' || alphabet.find(text[i]) != std::string_view::npos) continue;
      std::string shown = c >= 0x21 && c < 0x7f ? "'" + std::string(1, text[i]) + "'" : "byte " + std::to_string(c);
      return "not base64 (" + shown + " at offset " + std::to_string(i) + ")";
    }
    return "not base64 (its length or padding is wrong)";
  }
  if (decoded->empty()) return "empty";
  if (decoded->starts_with("-----BEGIN")) return "base64 of PEM text (the file was encoded with its armour)";
  if (!is_der_sequence(*decoded)) {
    return "base64 of " + std::to_string(decoded->size()) + " bytes that are not a DER certificate";
  }
  const DerElement inner = first_inner(*decoded);
  if (inner.tag == 0x02 && inner.content == std::string_view("\x03", 1)) return "base64 of a PKCS#12 (.pfx) file";
  if (inner.tag == 0x02) return "base64 of a private key";
  if (inner.tag == 0x06) return "base64 of a PKCS#7 (.p7b) or other container";
  if (inner.tag != 0 && inner.tag != 0x30) return "base64 of DER that is not a certificate";
  return "";
}

}  // namespace certgate::config
