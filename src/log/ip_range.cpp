#include "log/ip_range.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace certgate::logging {
namespace {

constexpr int kV4MappedBits = 96;

bool is_v4_mapped(const IpAddress& a) {
  for (int i = 0; i < 10; ++i)
    if (a.bytes[i] != 0) return false;
  return a.bytes[10] == 0xff && a.bytes[11] == 0xff;
}

bool bit_set(const IpAddress& a, int bit) { return (a.bytes[bit / 8] >> (7 - bit % 8)) & 1; }

std::string address_text(const IpAddress& a) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (is_v4_mapped(a)) ::inet_ntop(AF_INET, a.bytes.data() + 12, buf, sizeof buf);
  else ::inet_ntop(AF_INET6, a.bytes.data(), buf, sizeof buf);
  return buf;
}

IpAddress masked(IpAddress a, int prefix) {
  for (int bit = prefix; bit < 128; ++bit) a.bytes[bit / 8] &= static_cast<std::uint8_t>(~(1u << (7 - bit % 8)));
  return a;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  IpAddress a;
  if (::inet_pton(AF_INET, s.c_str(), a.bytes.data() + 12) == 1) {
    a.bytes[10] = a.bytes[11] = 0xff;
    return a;
  }
  if (::inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

bool IpRange::contains(const IpAddress& a) const {
  const int whole = prefix / 8;
  for (int i = 0; i < whole; ++i)
    if (a.bytes[i] != base.bytes[i]) return false;
  for (int bit = whole * 8; bit < prefix; ++bit)
    if (bit_set(a, bit) != bit_set(base, bit)) return false;
  return true;
}

IpRangeParse parse_ip_range(std::string_view text) {
  const std::size_t slash = text.find('/');
  const std::string_view addr_text = text.substr(0, slash);
  auto addr = parse_ip(addr_text);
  if (!addr) return {std::nullopt, "'" + std::string(addr_text) + "' is not an IPv4 or IPv6 address"};
  const bool v4 = addr_text.find(':') == std::string_view::npos;
  const int max_bits = v4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), bits);
    if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || bits < 0 || bits > max_bits)
      return {std::nullopt, "'" + std::string(text) + "': the prefix length must be 0 to " + std::to_string(max_bits)};
  }
  IpRange r{*addr, v4 ? kV4MappedBits + bits : bits};
  const IpAddress base = masked(*addr, r.prefix);
  if (!(base == *addr))
    return {std::nullopt, "'" + std::string(text) + "' has bits set past its prefix (the range is " + address_text(base) +
                              "/" + std::to_string(bits) + ")"};
  return {r, ""};
}

bool IpRangeSet::contains(const IpAddress& a) const {
  for (const IpRange& r : ranges_)
    if (r.contains(a)) return true;
  return false;
}

}  // namespace certgate::logging
