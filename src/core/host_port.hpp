#pragma once
// The one parser of "host[:port]" in certgate: Host headers, absolute-form request targets, listen addresses,
// upstream URLs and the tools' --connect/--host arguments all go through it, so that every part of the program
// reads an authority the same way (a request routed by one reading and forwarded by another is how proxies are
// walked around).
//
// Accepted (RFC 3986 3.2.2, narrowed): a registered name of letters, digits, '-', '.', '_' (up to 253
// characters); an IPv4 address as a dotted quad; an IPv6 address in brackets. An optional ":port" of 1 to 5
// digits, 1..65535. Everything else is refused with a reason: userinfo, percent-encoding, an empty or zero
// port, an all-numeric name that is not a dotted quad ("1.2.3", which inet_aton would read as 1.2.0.3), IPv6
// zone identifiers, IPvFuture, more than one ':' outside brackets.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certgate::core {

struct HostPort {
  enum class Kind { name, ipv4, ipv6 };
  std::string host;                 // as written, without brackets
  std::optional<std::uint16_t> port;
  Kind kind = Kind::name;

  // "host", "host:port", "[v6]:port": what a Host header carries.
  std::string authority() const;
  void append_authority(std::string& out) const;
  // The host, lower-cased, without one trailing dot: the key host blocks are chosen by.
  std::string routing_name() const;
};

enum class PortRule { optional, required };

struct HostPortOptions {
  PortRule port = PortRule::optional;
  bool bare_ipv6 = false;  // also "::1" without brackets (then without a port): command-line convenience only
};

struct HostPortResult {
  std::optional<HostPort> value;
  std::string error;  // why not, when !value
  explicit operator bool() const { return value.has_value(); }
};

HostPortResult parse_host_port(std::string_view text, HostPortOptions options = {});

}  // namespace certgate::core
