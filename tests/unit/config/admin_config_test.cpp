#include <gtest/gtest.h>

#include "config/admin_config.hpp"
#include "config/load.hpp"
#include "config_test_support.hpp"

namespace certgate::config {
namespace {

TEST(AdminConfig, OffByDefault) { EXPECT_FALSE(parse_toml("", "a.toml").admin.listen); }

TEST(AdminConfig, PortAloneIsLoopback) {
  for (const char* text : {"9901", ":9901"}) {
    auto a = parse_admin_listen(text);
    ASSERT_TRUE(a) << text;
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 9901);
  }
}

TEST(AdminConfig, HostPortGoesThroughTheListenParser) {
  auto v6 = parse_admin_listen("[::1]:9901");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9901);
  EXPECT_FALSE(parse_admin_listen("127.0.0.1"));  // an address needs its port
  EXPECT_FALSE(parse_admin_listen("0"));
  EXPECT_FALSE(parse_admin_listen("70000"));
  EXPECT_FALSE(parse_admin_listen(""));
  EXPECT_FALSE(parse_admin_listen("::1:9901"));
}

TEST(AdminConfig, ReadFromTomlWithPosition) {
  GatewayConfig c = parse_toml("[admin]\nlisten = \"0.0.0.0:9901\"\n", "a.toml");
  ASSERT_TRUE(c.admin.listen);
  EXPECT_EQ(c.admin.listen->host, "0.0.0.0");
  EXPECT_EQ(c.admin.listen->where.line, 2);
  EXPECT_EQ(c.admin.listen->where.column, 10);
}

TEST(AdminConfig, BadAddressAndUnknownKeyAreRefusedWhereWritten) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[admin]\nlisten = \"nowhere\"\n", "a.toml"), 2, 10, "not an admin listen address");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[admin]\nlisen = \"9901\"\n", "a.toml"), 2, 1, "lisen");
}

TEST(AdminConfig, ReadyUpstreamWithinIsADuration) {
  EXPECT_EQ(parse_toml("", "a.toml").admin.ready_upstream_within, Millis(30'000));
  EXPECT_EQ(parse_toml("[admin]\nready_upstream_within = \"5s\"\n", "a.toml").admin.ready_upstream_within, Millis(5'000));
  EXPECT_EQ(parse_toml("[admin]\nready_upstream_within = \"0\"\n", "a.toml").admin.ready_upstream_within, Millis(0));
  EXPECT_CONFIG_ERROR_AT(parse_toml("[admin]\nready_upstream_within = \"soon\"\n", "a.toml"), 2, 25, "ready_upstream_within");
}

TEST(AdminConfig, AddressOfATlsListenerIsRefused) {
  EXPECT_CONFIG_ERROR_AT(
      parse_toml("[server]\nlisten = [\"127.0.0.1:8443\"]\n[admin]\nlisten = \"127.0.0.1:8443\"\n", "a.toml"), 4, 10,
      "TLS listener 127.0.0.1:8443");
  // A port alone is the loopback address, which a wildcard TLS listener on that port covers.
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nlisten = [\"0.0.0.0:8443\"]\n[admin]\nlisten = \"8443\"\n", "a.toml"), 4,
                         10, "TLS listener 0.0.0.0:8443");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nlisten = [\"[::1]:8443\"]\n[admin]\nlisten = \"[::]:8443\"\n", "a.toml"),
                         4, 10, "TLS listener [::1]:8443");
}

TEST(AdminConfig, OtherPortOrOtherFamilyIsAccepted) {
  EXPECT_TRUE(parse_toml("[server]\nlisten = [\"127.0.0.1:8443\"]\n[admin]\nlisten = \"9901\"\n", "a.toml").admin.listen);
  EXPECT_TRUE(
      parse_toml("[server]\nlisten = [\"[::1]:8443\"]\n[admin]\nlisten = \"127.0.0.1:8443\"\n", "a.toml").admin.listen);
  EXPECT_TRUE(
      parse_toml("[server]\nlisten = [\"127.0.0.2:8443\"]\n[admin]\nlisten = \"127.0.0.1:8443\"\n", "a.toml").admin.listen);
}

}  // namespace
}  // namespace certgate::config
