#pragma once
// Shared by the HTTP drivers (request_path_fuzz, response_path_fuzz): a strict reader of the heads certgate
// renders, written apart from Beast so that a head both readers accept the same way is one an origin or a
// client can only read one way, and the name and list helpers the oracles compare with.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/core/string.hpp>

#include "fuzz_support.hpp"

// require() with the message built only when the condition fails: the messages carry whole heads, and building
// them for every check that holds would cost most of the run.
#define CERTGATE_FUZZ_REQUIRE(condition, message)            \
  do {                                                       \
    if (!(condition)) ::certgate::fuzz::finding(message);    \
  } while (false)

namespace certgate::fuzz {

struct HeadLine {
  std::string_view name;
  std::string_view value;
};

struct StrictHead {
  std::string_view start_line;  // without CRLF
  std::vector<HeadLine> fields;
};

inline bool is_tchar(char c) {
  static constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         specials.find(c) != std::string_view::npos;
}

// field-vchar / SP / HTAB (RFC 9110 5.5): no control character but HTAB, so no CR, LF or NUL.
inline bool is_field_value_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7F);
}

// `wire` as exactly one head the way certgate writes one: a start line and "Name: value" lines, each ended by
// CRLF, then an empty line, and nothing after it. No bare CR or LF, no control character in a value (but
// HTAB), a name of tchars, exactly ": " after it, a value without leading or trailing whitespace.
// A finding when it is anything else.
inline StrictHead read_strict_head(std::string_view wire, std::string_view what, const std::string& context) {
  auto fail = [&](const std::string& why) { finding(std::string(what) + ": " + why + context); };
  StrictHead out;
  std::size_t pos = 0;
  auto next_line = [&]() -> std::string_view {
    const std::size_t crlf = wire.find("\r\n", pos);
    if (crlf == std::string_view::npos) fail(std::string() + "a line without CRLF");
    std::string_view line = wire.substr(pos, crlf - pos);
    pos = crlf + 2;
    for (char c : line) {
      if (c == '\r' || c == '\n' || c == '\0') fail(std::string() + "a bare CR, LF or NUL inside a line");
    }
    return line;
  };
  out.start_line = next_line();
  if (out.start_line.empty()) fail(std::string() + "empty start line");
  for (char c : out.start_line) {
    // (HTAB is allowed in a reason phrase, RFC 9112 4; a request line is checked by its driver)
    if (!is_field_value_char(c)) fail(std::string() + "control character in the start line");
  }
  for (;;) {
    std::string_view line = next_line();
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) fail(std::string() + "field line without a name");
    HeadLine f{line.substr(0, colon), line.substr(colon + 1)};
    for (char c : f.name) {
      if (!is_tchar(c)) fail(std::string() + "field name '" + std::string(f.name) + "' is not a token");
    }
    if (f.value.empty() || f.value.front() != ' ') fail(std::string() + "no ': ' after " + std::string(f.name));
    f.value.remove_prefix(1);
    for (char c : f.value) {
      if (!is_field_value_char(c)) fail(std::string() + "control character in the value of " + std::string(f.name));
    }
    if (!f.value.empty() && (f.value.front() == ' ' || f.value.front() == '\t' || f.value.back() == ' ' ||
                             f.value.back() == '\t')) {
      fail(std::string() + "whitespace around the value of " + std::string(f.name));
    }
    out.fields.push_back(f);
  }
  if (pos != wire.size()) fail(std::string() + std::to_string(wire.size() - pos) + " bytes after the head");
  return out;
}

// Lower case, '_' as '-': the way CGI-style back ends read a header name.
inline std::string fold_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '_') c = '-';
  }
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) { return boost::beast::iequals(a, b); }

// The elements of a comma-separated list (RFC 9110 5.6.1), trimmed, empty ones skipped.
inline std::vector<std::string_view> list_elements(std::string_view value) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    std::size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view e = value.substr(pos, comma - pos);
    while (!e.empty() && (e.front() == ' ' || e.front() == '\t')) e.remove_prefix(1);
    while (!e.empty() && (e.back() == ' ' || e.back() == '\t')) e.remove_suffix(1);
    if (!e.empty()) out.push_back(e);
    pos = comma + 1;
  }
  return out;
}

inline std::size_t count_named(const StrictHead& head, std::string_view name) {
  std::size_t n = 0;
  for (const HeadLine& f : head.fields) n += iequals(f.name, name) ? 1 : 0;
  return n;
}

inline std::optional<std::string_view> value_of(const StrictHead& head, std::string_view name) {
  for (const HeadLine& f : head.fields) {
    if (iequals(f.name, name)) return f.value;
  }
  return std::nullopt;
}

// Printable text of `bytes` for a finding message.
inline std::string printable(std::string_view bytes, std::size_t max = 400) {
  std::string out;
  for (unsigned char c : bytes.substr(0, max)) {
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c < 0x20 || c >= 0x7F) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (bytes.size() > max) out += "...";
  return out;
}

}  // namespace certgate::fuzz
