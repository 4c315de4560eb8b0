// The small value grammars shared by the TOML file and the command-line flags.
#include <charconv>
#include <limits>

#include "config/load.hpp"
#include "core/host_port.hpp"

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
  // An IPv6 literal must be bracketed ("[::1]:8443"), so the port separator is unambiguous.
  auto parsed = core::parse_host_port(text, {core::PortRule::required});
  if (!parsed) return std::nullopt;
  ListenAddress address;
  address.host = parsed.value->host;
  address.port = *parsed.value->port;
  return address;
}

std::optional<core::ClientCertMode> parse_mode(std::string_view text) {
  if (text == "ignore") return core::ClientCertMode::ignore;
  if (text == "accept") return core::ClientCertMode::accept;
  if (text == "require") return core::ClientCertMode::require;
  return std::nullopt;
}

}  // namespace certgate::config
