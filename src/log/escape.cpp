#include "log/escape.hpp"

namespace certgate::logging {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char c) {
  out += "\\x";
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xf]);
}

void append_u_escape(std::string& out, unsigned cp) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(cp >> shift) & 0xf]);
}

bool is_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Escapes for the text format; space_escaped: space as \x20 instead of kept.
void append_text_escaped(std::string& out, std::string_view s, bool space_escaped) {
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c > 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ' && !space_escaped) {
      out.push_back(' ');
    } else {
      append_hex_byte(out, c);
    }
  }
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte (RFC 3629 section 4)
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;       // overlong
    else if (c == 0xed) hi = 0x9f;  // UTF-16 surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;       // overlong
    else if (c == 0xf4) hi = 0x8f;  // above U+10FFFF
  } else {
    return 0;  // continuation byte, C0/C1 overlong lead, F5..FF
  }
  if (i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (!is_continuation(at(i + k))) return 0;
  return n;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7f) append_u_escape(out, c);
          else out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      append_u_escape(out, c);  // not UTF-8: the byte, as the code point of the same value
      ++i;
      continue;
    }
    auto b1 = static_cast<unsigned char>(s[i + 1]);
    bool c1_control = c == 0xc2 && b1 < 0xa0;  // U+0080..U+009F
    bool line_or_paragraph_separator =
        c == 0xe2 && b1 == 0x80 && (s[i + 2] == '\xa8' || s[i + 2] == '\xa9');  // U+2028, U+2029
    if (c1_control) append_u_escape(out, b1);
    else if (line_or_paragraph_separator) append_u_escape(out, 0x2000u + static_cast<unsigned char>(s[i + 2]) - 0x80u);
    else out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string text_field(std::string_view s) {
  if (s.empty()) return "-";
  bool quoted = s == "-" || s.find_first_of(" \"\\") != std::string_view::npos;
  std::string out;
  out.reserve(s.size() + 2);
  if (quoted) out.push_back('"');
  append_text_escaped(out, s, !quoted);
  if (quoted) out.push_back('"');
  return out;
}

std::string text_escape_unquoted(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_text_escaped(out, s, true);
  return out;
}

std::string control_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) append_hex_byte(out, c);
    else out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string clip(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t cut = max;
  // Do not end inside a UTF-8 sequence: back off over continuation bytes to the lead byte.
  for (int k = 0; k < 3 && cut > 0 && is_continuation(static_cast<unsigned char>(s[cut])); ++k) --cut;
  return std::string(s.substr(0, cut)) + "...[+" + std::to_string(s.size() - cut) + " bytes]";
}

}  // namespace certgate::logging
