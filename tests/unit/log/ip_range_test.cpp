#include "log/ip_range.hpp"

#include <gtest/gtest.h>

namespace certgate::logging {
namespace {

IpRange range(const char* text) {
  IpRangeParse p = parse_ip_range(text);
  EXPECT_TRUE(p.range.has_value()) << text << ": " << p.error;
  return p.range.value_or(IpRange{});
}

IpAddress ip(const char* text) {
  auto a = parse_ip(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress{});
}

TEST(IpRange, Ipv4Ranges) {
  const IpRange cf = range("173.245.48.0/20");
  EXPECT_TRUE(cf.contains(ip("173.245.48.0")));
  EXPECT_TRUE(cf.contains(ip("173.245.63.255")));
  EXPECT_FALSE(cf.contains(ip("173.245.64.0")));
  EXPECT_FALSE(cf.contains(ip("173.245.47.255")));
  EXPECT_TRUE(range("0.0.0.0/0").contains(ip("255.255.255.255")));
  EXPECT_FALSE(range("0.0.0.0/0").contains(ip("2001:db8::1")));  // every IPv4 address, and nothing else
  EXPECT_TRUE(range("192.0.2.7").contains(ip("192.0.2.7")));
  EXPECT_FALSE(range("192.0.2.7").contains(ip("192.0.2.6")));
  EXPECT_TRUE(range("10.0.0.0/9").contains(ip("10.127.255.255")));
  EXPECT_FALSE(range("10.0.0.0/9").contains(ip("10.128.0.0")));
}

TEST(IpRange, Ipv6Ranges) {
  const IpRange cf = range("2400:cb00::/32");
  EXPECT_TRUE(cf.contains(ip("2400:cb00:2049:1::a29f:1a")));
  EXPECT_FALSE(cf.contains(ip("2400:cb01::1")));
  EXPECT_TRUE(range("2a06:98c0::/29").contains(ip("2a06:98c7:ffff::1")));
  EXPECT_FALSE(range("2a06:98c0::/29").contains(ip("2a06:98c8::")));
  EXPECT_TRUE(range("::1").contains(ip("::1")));
  EXPECT_TRUE(range("::/0").contains(ip("192.0.2.1")));  // as ::ffff:192.0.2.1
  EXPECT_FALSE(range("2001:db8::/32").contains(ip("192.0.2.1")));
}

TEST(IpRange, V4MappedAddressesMatchIpv4Ranges) {
  EXPECT_TRUE(range("173.245.48.0/20").contains(ip("::ffff:173.245.48.9")));
  EXPECT_FALSE(range("173.245.48.0/20").contains(ip("::ffff:173.245.64.9")));
  EXPECT_TRUE(range("::ffff:173.245.48.0/116").contains(ip("173.245.48.9")));
  EXPECT_EQ(ip("::ffff:192.0.2.1"), ip("192.0.2.1"));
}

TEST(IpRange, MalformedRangesSayWhy) {
  const std::pair<const char*, const char*> bad[] = {
      {"", "not an IPv4 or IPv6 address"},
      {"example.com", "not an IPv4 or IPv6 address"},
      {"192.0.2", "not an IPv4 or IPv6 address"},
      {"192.0.2.1/33", "0 to 32"},
      {"2001:db8::/129", "0 to 128"},
      {"192.0.2.0/", "0 to 32"},
      {"192.0.2.0/2x", "0 to 32"},
      {"192.0.2.0/-1", "0 to 32"},
      {"192.0.2.1/24", "(the range is 192.0.2.0/24)"},
      {"2001:db8::1/32", "(the range is 2001:db8::/32)"},
      {"[::1]", "not an IPv4 or IPv6 address"},
  };
  for (const auto& [text, why] : bad) {
    IpRangeParse p = parse_ip_range(text);
    EXPECT_FALSE(p.range.has_value()) << text;
    EXPECT_NE(p.error.find(why), std::string::npos) << text << ": " << p.error;
  }
}

TEST(IpRange, SetMatchesAnyOfItsRanges) {
  IpRangeSet set;
  EXPECT_FALSE(set.contains(ip("192.0.2.1")));
  set.add(range("192.0.2.0/24"));
  set.add(range("2001:db8::/32"));
  EXPECT_TRUE(set.contains(ip("192.0.2.200")));
  EXPECT_TRUE(set.contains(ip("2001:db8:1::1")));
  EXPECT_FALSE(set.contains(ip("198.51.100.1")));
}

}  // namespace
}  // namespace certgate::logging
