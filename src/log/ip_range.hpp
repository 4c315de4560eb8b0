#pragma once
// IP addresses and CIDR ranges (IPv4 and IPv6), for `certgate report --edge`: is a client address one of the
// edge's (Cloudflare publishes its ranges as https://www.cloudflare.com/ips-v4 and ips-v6)?
// An IPv4 address is held as its v4-mapped IPv6 form (::ffff:a.b.c.d), so "192.0.2.7" and "::ffff:192.0.2.7"
// (what a dual-stack listener reports for an IPv4 client) are the same address and match the same ranges.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certgate::logging {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool operator==(const IpAddress&) const = default;
};

// "192.0.2.7", "2001:db8::1", "::ffff:192.0.2.7". nullopt for anything else (no brackets, ports or zones).
std::optional<IpAddress> parse_ip(std::string_view text);

struct IpRange {
  IpAddress base;
  int prefix = 128;  // leading bits that must match, counted on the 128-bit form (an IPv4 /20 is 96 + 20)
  bool contains(const IpAddress& a) const;
};

struct IpRangeParse {
  std::optional<IpRange> range;
  std::string error;  // when range is empty
};

// "173.245.48.0/20", "2400:cb00::/32", or one address ("192.0.2.7" = /32, "2001:db8::1" = /128).
// A range with bits set past its prefix ("192.0.2.1/24") is refused, naming the range meant, rather than
// read as some range the writer may not have meant.
IpRangeParse parse_ip_range(std::string_view text);

class IpRangeSet {
 public:
  void add(const IpRange& r) { ranges_.push_back(r); }
  bool empty() const { return ranges_.empty(); }
  std::size_t size() const { return ranges_.size(); }
  bool contains(const IpAddress& a) const;

 private:
  std::vector<IpRange> ranges_;
};

}  // namespace certgate::logging
