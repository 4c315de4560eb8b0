#include "core/host_port.hpp"

#include <gtest/gtest.h>

namespace certgate::core {
namespace {

HostPort ok(std::string_view text, HostPortOptions options = {}) {
  auto r = parse_host_port(text, options);
  EXPECT_TRUE(r) << "'" << text << "' refused: " << r.error;
  return r ? *r.value : HostPort{};
}

TEST(HostPort, NamesAddressesAndPorts) {
  HostPort name = ok("Api.Example.com:8443");
  EXPECT_EQ(name.host, "Api.Example.com");
  EXPECT_EQ(name.port, 8443);
  EXPECT_EQ(name.kind, HostPort::Kind::name);
  EXPECT_EQ(name.routing_name(), "api.example.com");
  EXPECT_EQ(name.authority(), "Api.Example.com:8443");

  HostPort v4 = ok("127.0.0.1");
  EXPECT_EQ(v4.kind, HostPort::Kind::ipv4);
  EXPECT_FALSE(v4.port.has_value());

  HostPort v6 = ok("[::1]:443");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.kind, HostPort::Kind::ipv6);
  EXPECT_EQ(v6.authority(), "[::1]:443");

  EXPECT_EQ(ok("example.com.").routing_name(), "example.com");
  EXPECT_EQ(ok("internal_host").host, "internal_host");
  EXPECT_EQ(ok("[2001:db8::1]").authority(), "[2001:db8::1]");
  EXPECT_EQ(ok("a:65535").port, 65535);
}

TEST(HostPort, AmbiguousOrMalformedIsRefused) {
  using namespace std::string_view_literals;
  const std::string_view bads[] = {""sv, "a:1:2", "a:", ":80", "a:0", "a:65536", "a:+80", "a:8o", "a:000080", "user@a", "a%2eb", "a b", "a,b",
        "a\r\nb", "[::1", "[::1]x", "[::1]:", "[fe80::1%25eth0]", "[v1.fe]", "[1.2.3.4]", "1.2.3", "1.2.3.4.5",
        "256.1.1.1", "01.2.3.4", "::1", "a/b", "a?b", "a#b", "*", "a\0b"sv};
  for (std::string_view bad : bads) {
    auto r = parse_host_port(bad);
    EXPECT_FALSE(r) << "'" << bad << "' accepted";
    if (!r) {
      EXPECT_FALSE(r.error.empty());
    }
  }
  EXPECT_FALSE(parse_host_port(std::string(254, 'a')));
  EXPECT_TRUE(parse_host_port(std::string(253, 'a')));
}

TEST(HostPort, PortRequiredAndBareIpv6) {
  EXPECT_FALSE(parse_host_port("127.0.0.1", {PortRule::required}));
  EXPECT_TRUE(parse_host_port("127.0.0.1:1", {PortRule::required}));
  HostPort bare = ok("::1", {PortRule::optional, true});
  EXPECT_EQ(bare.kind, HostPort::Kind::ipv6);
  EXPECT_FALSE(bare.port.has_value());
  EXPECT_FALSE(parse_host_port("::1", {PortRule::required, true}));
}

}  // namespace
}  // namespace certgate::core
