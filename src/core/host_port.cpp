#include "core/host_port.hpp"

#include <arpa/inet.h>

#include <array>

#include "core/ascii.hpp"

namespace certgate::core {
namespace {

constexpr std::size_t kMaxNameLength = 253;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.' || c == '_';
}

HostPortResult refused(std::string why) { return HostPortResult{std::nullopt, std::move(why)}; }

// Exactly four decimal parts of 0..255 without leading zeros ("010" is octal to inet_aton).
bool is_dotted_quad(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t start = i;
    unsigned value = 0;
    while (i < s.size() && is_digit(s[i])) {
      value = value * 10 + static_cast<unsigned>(s[i] - '0');
      if (i - start >= 3 || value > 255) return false;
      ++i;
    }
    const std::size_t len = i - start;
    if (len == 0 || (len > 1 && s[start] == '0')) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.') return false;
    ++i;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view s) {
  if (s.empty() || s.size() > 45) return false;
  std::array<char, 46> text{};
  s.copy(text.data(), s.size());
  unsigned char addr[16];
  return ::inet_pton(AF_INET6, text.data(), addr) == 1;
}

std::optional<std::uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value < 1 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::string HostPort::authority() const {
  std::string out;
  append_authority(out);
  return out;
}

void HostPort::append_authority(std::string& out) const {
  if (kind == Kind::ipv6) out.push_back('[');
  out.append(host);
  if (kind == Kind::ipv6) out.push_back(']');
  if (port) {
    out.push_back(':');
    out.append(std::to_string(*port));
  }
}

std::string HostPort::routing_name() const {
  std::string name = ascii::lower_copy(host);
  if (kind == Kind::name && !name.empty() && name.back() == '.') name.pop_back();
  return name;
}

HostPortResult parse_host_port(std::string_view text, HostPortOptions options) {
  if (text.empty()) return refused("empty");
  HostPort out;
  std::string_view host = text;
  std::optional<std::string_view> port;
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return refused("'[' without ']'");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return refused("unexpected text after ']'");
      port = rest.substr(1);
    }
    if (!host.empty() && host.front() == 'v') return refused("IPvFuture addresses are not supported");
    if (host.find('%') != std::string_view::npos) return refused("IPv6 zone identifiers are not supported");
    if (!is_ipv6(host)) return refused("'" + std::string(host) + "' is not an IPv6 address");
    out.kind = HostPort::Kind::ipv6;
  } else {
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) != std::string_view::npos) {
      if (options.bare_ipv6 && is_ipv6(text)) {
        out.host = std::string(text);
        out.kind = HostPort::Kind::ipv6;
        if (options.port == PortRule::required) return refused("a port is required (write [" + out.host + "]:port)");
        return HostPortResult{std::move(out), {}};
      }
      return refused("more than one ':' (an IPv6 address goes in brackets)");
    }
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
    }
    if (host.empty()) return refused("no host");
    if (host.size() > kMaxNameLength) return refused("the host name is longer than 253 characters");
    bool numeric = true;
    for (char c : host) {
      if (c == '@') return refused("user information is not allowed");
      if (c == '%') return refused("percent-encoding is not allowed in a host");
      if (!is_name_char(c)) return refused("character '" + std::string(1, c) + "' is not allowed in a host");
      if (!is_digit(c) && c != '.') numeric = false;
    }
    if (numeric) {
      if (!is_dotted_quad(host)) return refused("'" + std::string(host) + "' is neither a name nor an IPv4 address");
      out.kind = HostPort::Kind::ipv4;
    }
  }
  out.host = std::string(host);
  if (port) {
    auto number = parse_port(*port);
    if (!number) {
      const bool digits = !port->empty() && port->find_first_not_of("0123456789") == std::string_view::npos;
      return refused(digits ? "port " + std::string(*port) + " is out of range (1..65535)"
                            : "'" + std::string(*port) + "' is not a port number");
    }
    out.port = *number;
  } else if (options.port == PortRule::required) {
    return refused("a port is required");
  }
  return HostPortResult{std::move(out), {}};
}

}  // namespace certgate::core
