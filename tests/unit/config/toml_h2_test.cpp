// The HTTP/2 keys of the TOML file: alpn in [tls] and [[host]], the h2_* keys of [limits].
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config_test_support.hpp"

namespace certgate::config {
namespace {

const std::vector<std::string> kDefaultAlpn{"h2", "http/1.1"};

TEST(TomlH2, AlpnDefaultsToH2ThenHttp11) {
  GatewayConfig config = parse_toml("[[host]]\nnames = [\"a.test\"]\n", "t.toml");
  EXPECT_EQ(config.default_host.tls.alpn, kDefaultAlpn);
  EXPECT_TRUE(config.default_host.tls.alpn_where.file.empty() || config.default_host.tls.alpn_where.line == 0);
  EXPECT_EQ(config.hosts[0].tls.alpn, kDefaultAlpn);
}

TEST(TomlH2, AlpnIsReadInOrderAndHostsInheritIt) {
  std::string toml = R"([tls]
alpn = ["http/1.1"]

[[host]]
names = ["a.test"]

[[host]]
names = ["b.test"]
alpn = ["http/1.1", "h2"]
)";
  GatewayConfig config = parse_toml(toml, "t.toml");
  EXPECT_EQ(config.default_host.tls.alpn, std::vector<std::string>{"http/1.1"});
  EXPECT_EQ(config.default_host.tls.alpn_where.line, 2);
  EXPECT_EQ(config.default_host.tls.alpn_where.column, 8);
  ASSERT_EQ(config.hosts.size(), 2u);
  EXPECT_EQ(config.hosts[0].tls.alpn, std::vector<std::string>{"http/1.1"});  // inherited with its position
  EXPECT_EQ(config.hosts[0].tls.alpn_where.line, 2);
  EXPECT_EQ(config.hosts[1].tls.alpn, (std::vector<std::string>{"http/1.1", "h2"}));
  EXPECT_EQ(config.hosts[1].tls.alpn_where.line, 9);
}

TEST(TomlH2, AHostMaySwitchH2OffAlone) {
  GatewayConfig config = parse_toml("[[host]]\nnames = [\"a.test\"]\nalpn = [\"http/1.1\"]\n"
                                    "[[host]]\nnames = [\"b.test\"]\n", "t.toml");
  EXPECT_EQ(config.default_host.tls.alpn, kDefaultAlpn);
  EXPECT_EQ(config.hosts[0].tls.alpn, std::vector<std::string>{"http/1.1"});
  EXPECT_EQ(config.hosts[1].tls.alpn, kDefaultAlpn);
}

TEST(TomlH2, BadAlpnIsRefusedWithItsPosition) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nalpn = []\n", "t.toml"), 2, 8, "[tls] alpn: must name at least one");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nalpn = [\"h2\", \"h3\"]\n", "t.toml"), 2, 15,
                         "[tls] alpn: 'h3' is not allowed; expected one of: h2, http/1.1");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nalpn = [\"HTTP/1.1\"]\n", "t.toml"), 2, 9, "'HTTP/1.1' is not allowed");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nalpn = [\"http/1.0\"]\n", "t.toml"), 2, 9, "'http/1.0' is not allowed");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nalpn = [\"h2\", \"http/1.1\", \"h2\"]\n", "t.toml"), 2, 27,
                         "[tls] alpn: 'h2' is listed twice");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nalpn = [\"h2\", 2]\n", "t.toml"), 2, 15, "expected an array of strings");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nalpn = \"h2\"\n", "t.toml"), 2, 8, "expected an array of strings");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.test\"]\nalpn = [\"spdy/3\"]\n", "t.toml"), 3, 9,
                         "[[host]] alpn: 'spdy/3' is not allowed");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.test\"]\nalpn = []\n", "t.toml"), 3, 8,
                         "[[host]] alpn: must name at least one");
}

TEST(TomlH2, DefaultLimits) {
  Limits limits = parse_toml("", "t.toml").limits;
  EXPECT_EQ(limits.h2_max_concurrent_streams, 128u);
  EXPECT_EQ(limits.h2_header_table_size, 4096u);
  EXPECT_EQ(limits.h2_stream_window, 256u * 1024);
  EXPECT_EQ(limits.h2_connection_window, 1024u * 1024);
  EXPECT_EQ(limits.h2_max_continuations, 8u);
  EXPECT_EQ(limits.h2_reset_burst, 200u);
  EXPECT_EQ(limits.h2_reset_rate, 50u);
  EXPECT_EQ(limits.h2_control_burst, 100u);
  EXPECT_EQ(limits.h2_control_rate, 10u);
}

TEST(TomlH2, EveryLimitIsRead) {
  Limits limits = parse_toml(R"([limits]
h2_max_concurrent_streams = 2147483647
h2_header_table_size = 0
h2_stream_window = "1MiB"
h2_connection_window = 65535
h2_max_continuations = 0
h2_reset_burst = 1000000
h2_reset_rate = 1
h2_control_burst = 7
h2_control_rate = 3
)",
                             "t.toml")
                      .limits;
  EXPECT_EQ(limits.h2_max_concurrent_streams, 2147483647u);
  EXPECT_EQ(limits.h2_header_table_size, 0u);
  EXPECT_EQ(limits.h2_stream_window, 1024u * 1024);
  EXPECT_EQ(limits.h2_connection_window, 65535u);
  EXPECT_EQ(limits.h2_max_continuations, 0u);
  EXPECT_EQ(limits.h2_reset_burst, 1'000'000u);
  EXPECT_EQ(limits.h2_reset_rate, 1u);
  EXPECT_EQ(limits.h2_control_burst, 7u);
  EXPECT_EQ(limits.h2_control_rate, 3u);
  limits = parse_toml("[limits]\nh2_header_table_size = \"64KiB\"\nh2_stream_window = 2147483647\n"
                      "h2_connection_window = \"1GiB\"\nh2_max_continuations = 1000\nh2_max_concurrent_streams = 1\n",
                      "t.toml")
               .limits;
  EXPECT_EQ(limits.h2_header_table_size, 65'536u);
  EXPECT_EQ(limits.h2_stream_window, 2147483647u);
  EXPECT_EQ(limits.h2_connection_window, 1024u * 1024 * 1024);
  EXPECT_EQ(limits.h2_max_continuations, 1000u);
  EXPECT_EQ(limits.h2_max_concurrent_streams, 1u);
}

// Each key, one past each end of its range, and a value of the wrong type: refused at the value.
TEST(TomlH2, LimitsOutOfRangeAreRefusedWithTheirPosition) {
  struct Case {
    const char* key;
    const char* value;
    const char* text;
  };
  const Case cases[] = {
      {"h2_max_concurrent_streams", "0", "0 is out of range (1..2147483647)"},
      {"h2_max_concurrent_streams", "2147483648", "2147483648 is out of range (1..2147483647)"},
      {"h2_max_concurrent_streams", "\"many\"", "expected an integer"},
      {"h2_header_table_size", "65537", "65537 is out of range (0..65536)"},
      {"h2_header_table_size", "-1", "a size cannot be negative"},
      {"h2_header_table_size", "\"4 KiB\"", "'4 KiB' is not a size"},
      {"h2_stream_window", "65534", "65534 is out of range (65535..2147483647)"},
      {"h2_stream_window", "2147483648", "2147483648 is out of range (65535..2147483647)"},
      {"h2_stream_window", "\"2GiB\"", "2147483648 is out of range (65535..2147483647)"},
      {"h2_connection_window", "0", "0 is out of range (65535..2147483647)"},
      {"h2_connection_window", "2147483648", "2147483648 is out of range (65535..2147483647)"},
      {"h2_max_continuations", "-1", "-1 is out of range (0..1000)"},
      {"h2_max_continuations", "1001", "1001 is out of range (0..1000)"},
      {"h2_reset_burst", "0", "0 is out of range (1..1000000)"},
      {"h2_reset_burst", "1000001", "1000001 is out of range (1..1000000)"},
      {"h2_reset_rate", "0", "0 is out of range (1..1000000)"},
      {"h2_reset_rate", "1000001", "1000001 is out of range (1..1000000)"},
      {"h2_reset_rate", "1.5", "expected an integer"},
      {"h2_control_burst", "0", "0 is out of range (1..1000000)"},
      {"h2_control_burst", "1000001", "1000001 is out of range (1..1000000)"},
      {"h2_control_rate", "0", "0 is out of range (1..1000000)"},
      {"h2_control_rate", "1000001", "1000001 is out of range (1..1000000)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.key) + " = " + c.value);
    std::string key(c.key);
    // [limits] on line 2, the key on line 3: the error points at the value.
    EXPECT_CONFIG_ERROR_AT(parse_toml("# h2\n[limits]\n" + key + " = " + c.value + "\n", "t.toml"), 3,
                           static_cast<int>(key.size()) + 4, "[limits] " + key + ": " + c.text);
  }
}

TEST(TomlH2, H2KeysBelongInLimitsOnly) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.test\"]\nh2_stream_window = 65535\n", "t.toml"), 3, 1,
                         "unknown key 'h2_stream_window' in [[host]]");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nh2_stream_windows = 65535\n", "t.toml"), 2, 1,
                         "did you mean 'h2_stream_window'?");
}

}  // namespace
}  // namespace certgate::config
