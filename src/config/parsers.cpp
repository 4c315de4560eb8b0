// The small value grammars shared by the TOML file and the command-line flags.
#include <charconv>
#include <limits>

#include "config/load.hpp"

namespace certgate::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Leading decimal digits of text as an unsigned number; `digits` gets how many there were.
// nullopt on overflow or when there are none.
std::optional<std::uint64_t> leading_number(std::string_view text, std::size_t& digits) {
  digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  if (digits == 0) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (ec != std::errc{} || end != text.data() + digits) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> checked_multiply(std::uint64_t a, std::uint64_t b) {
  if (b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b) return std::nullopt;
  return a * b;
}

bool is_hostname_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.';
}

bool is_ipv6_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

}  // namespace

std::optional<Millis> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  auto number = leading_number(text, digits);
  if (!number) return std::nullopt;
  std::string_view unit = text.substr(digits);
  std::uint64_t factor = 0;
  if (unit.empty() || unit == "s") factor = 1000;
  else if (unit == "ms") factor = 1;
  else if (unit == "m") factor = 60 * 1000;
  else if (unit == "h") factor = 60 * 60 * 1000;
  else return std::nullopt;
  auto millis = checked_multiply(*number, factor);
  if (!millis || *millis > static_cast<std::uint64_t>(std::numeric_limits<Millis::rep>::max())) {
    return std::nullopt;
  }
  return Millis{static_cast<Millis::rep>(*millis)};
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::size_t digits = 0;
  auto number = leading_number(text, digits);
  if (!number) return std::nullopt;
  std::string_view unit = text.substr(digits);
  constexpr std::uint64_t kilo = 1000, kibi = 1024;
  std::uint64_t factor = 0;
  if (unit.empty() || unit == "B") factor = 1;
  else if (unit == "KB") factor = kilo;
  else if (unit == "MB") factor = kilo * kilo;
  else if (unit == "GB") factor = kilo * kilo * kilo;
  else if (unit == "KiB") factor = kibi;
  else if (unit == "MiB") factor = kibi * kibi;
  else if (unit == "GiB") factor = kibi * kibi * kibi;
  else return std::nullopt;
  return checked_multiply(*number, factor);
}

std::optional<ListenAddress> parse_listen(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    // "[::1]:8443": an IPv6 literal must be bracketed, so the port separator is unambiguous.
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (host.find(':') == std::string_view::npos) return std::nullopt;
    for (char c : host) {
      if (!is_ipv6_char(c)) return std::nullopt;
    }
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    for (char c : host) {
      if (!is_hostname_char(c)) return std::nullopt;  // also rejects an unbracketed IPv6 address
    }
  }
  if (host.empty() || port.empty() || port.size() > 5) return std::nullopt;
  std::size_t digits = 0;
  auto number = leading_number(port, digits);
  if (!number || digits != port.size() || *number < 1 || *number > 65535) return std::nullopt;
  ListenAddress address;
  address.host = std::string(host);
  address.port = static_cast<std::uint16_t>(*number);
  return address;
}

std::optional<core::ClientCertMode> parse_mode(std::string_view text) {
  if (text == "ignore") return core::ClientCertMode::ignore;
  if (text == "accept") return core::ClientCertMode::accept;
  if (text == "require") return core::ClientCertMode::require;
  return std::nullopt;
}

}  // namespace certgate::config
