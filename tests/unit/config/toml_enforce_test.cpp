// enforce (report-only) in [tls] and [[host]], and serve --report-only.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config_test_support.hpp"

namespace certgate::config {
namespace {

using test_support::TempDir;

TEST(TomlEnforce, EveryBlockEnforcesByDefault) {
  GatewayConfig config = parse_toml("[[host]]\nnames = [\"a.test\"]\n", "t.toml");
  EXPECT_EQ(config.default_host.tls.enforcement, core::Enforcement::enforce);
  EXPECT_EQ(config.hosts[0].tls.enforcement, core::Enforcement::enforce);
}

TEST(TomlEnforce, ABlockMayReportOnlyAndOthersInheritTls) {
  std::string toml = R"([tls]
enforce = false

[[host]]
names = ["a.test"]

[[host]]
names = ["b.test"]
enforce = true
)";
  GatewayConfig config = parse_toml(toml, "t.toml");
  EXPECT_EQ(config.default_host.tls.enforcement, core::Enforcement::report_only);
  EXPECT_EQ(config.default_host.tls.enforce_where.to_string(), "t.toml:2:11");
  EXPECT_EQ(config.hosts[0].tls.enforcement, core::Enforcement::report_only);  // inherited with its position
  EXPECT_EQ(config.hosts[0].tls.enforce_where.line, 2);
  EXPECT_EQ(config.hosts[1].tls.enforcement, core::Enforcement::enforce);
  EXPECT_EQ(config.hosts[1].tls.enforce_where.line, 9);

  config = parse_toml("[[host]]\nnames = [\"a.test\"]\nenforce = false\n", "t.toml");
  EXPECT_EQ(config.default_host.tls.enforcement, core::Enforcement::enforce);
  EXPECT_EQ(config.hosts[0].tls.enforcement, core::Enforcement::report_only);
}

TEST(TomlEnforce, OnlyABooleanIsAccepted) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nenforce = \"no\"\n", "t.toml"), 2, 11, "enforce");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.test\"]\nenforce = 0\n", "t.toml"), 3, 11, "enforce");
}

TEST(TomlEnforce, ReportOnlyFlagSwitchesEveryBlockWhateverItSays) {
  TempDir dir;
  Overrides flags;
  flags.config_file = dir.write("certgate.toml", "[tls]\nenforce = true\n[[host]]\nnames = [\"a.test\"]\nenforce = true\n");
  GatewayConfig config = load_config(flags, Purpose::inspect);
  EXPECT_EQ(config.hosts[0].tls.enforcement, core::Enforcement::enforce);
  flags.report_only = true;
  config = load_config(flags, Purpose::inspect);
  EXPECT_EQ(config.default_host.tls.enforcement, core::Enforcement::report_only);
  EXPECT_EQ(config.hosts[0].tls.enforcement, core::Enforcement::report_only);
  EXPECT_EQ(config.hosts[0].tls.enforce_where.to_string(), "--report-only");
}

}  // namespace
}  // namespace certgate::config
