// [limits] crl_check_interval and crl_warn_before, [tls] / [[host]] crl_expired.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config_test_support.hpp"

namespace certgate::config {
namespace {

TEST(CrlSettings, Defaults) {
  GatewayConfig config = parse_toml("", "empty.toml");
  EXPECT_EQ(config.limits.crl_check_interval, Millis{5'000});
  EXPECT_EQ(config.limits.crl_warn_before, Millis{86'400'000});
  EXPECT_EQ(config.default_host.tls.crl_expired, CrlExpired::refuse);
}

TEST(CrlSettings, DurationsAndZero) {
  GatewayConfig config = parse_toml("[limits]\ncrl_check_interval = \"250ms\"\ncrl_warn_before = \"72h\"\n", "t.toml");
  EXPECT_EQ(config.limits.crl_check_interval, Millis{250});
  EXPECT_EQ(config.limits.crl_warn_before, Millis{72ll * 3600 * 1000});
  config = parse_toml("[limits]\ncrl_check_interval = 0\ncrl_warn_before = \"0s\"\n", "t.toml");
  EXPECT_EQ(config.limits.crl_check_interval, Millis{0});
  EXPECT_EQ(config.limits.crl_warn_before, Millis{0});
}

TEST(CrlSettings, ErrorsArePositioned) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\ncrl_check_interval = \"50ms\"\n", "t.toml"), 2, 22,
                         "must be 0 (off) or at least 100ms");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\ncrl_check_interval = \"soon\"\n", "t.toml"), 2, 22, "is not a duration");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\ncrl_warn_before = -1\n", "t.toml"), 2, 19, "cannot be negative");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\ncrl_expired = \"ignore\"\n", "t.toml"), 2, 15, "crl_expired");
}

TEST(CrlSettings, CrlExpiredIsInheritedByHostsThatDoNotSetIt) {
  GatewayConfig config = parse_toml(R"([tls]
crl_expired = "warn"

[[host]]
names = ["a.example.com"]

[[host]]
names = ["b.example.com"]
crl_expired = "refuse"
)",
                                    "t.toml");
  EXPECT_EQ(config.default_host.tls.crl_expired, CrlExpired::warn);
  ASSERT_EQ(config.hosts.size(), 2u);
  EXPECT_EQ(config.hosts[0].tls.crl_expired, CrlExpired::warn);
  EXPECT_EQ(config.hosts[1].tls.crl_expired, CrlExpired::refuse);
  EXPECT_EQ(to_string(CrlExpired::warn), "warn");
}

}  // namespace
}  // namespace certgate::config
