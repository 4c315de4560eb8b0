// The OCSP keys of [tls] and [[host]]: values, defaults, inheritance, and refusals at their position.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config_test_support.hpp"

namespace certgate::config {
namespace {

TEST(TomlOcsp, DefaultsAreOffClosedAndThreeSeconds) {
  GatewayConfig config = parse_toml("", "t.toml");
  EXPECT_EQ(config.default_host.tls.ocsp, OcspMode::off);
  EXPECT_EQ(config.default_host.tls.ocsp_responder, "");
  EXPECT_EQ(config.default_host.tls.ocsp_fail, OcspFail::closed);
  EXPECT_EQ(config.default_host.tls.ocsp_timeout, Millis(3000));
}

TEST(TomlOcsp, EveryKeyInTlsAndAHostInheritsWhatItDoesNotSet) {
  GatewayConfig config = parse_toml(R"([tls]
ocsp = "chain"
ocsp_responder = "http://ocsp.example.com:8080/ocsp"
ocsp_fail = "open"
ocsp_timeout = "500ms"

[[host]]
names = ["a.test"]
ocsp = "leaf"

[[host]]
names = ["b.test"]
ocsp = "off"
ocsp_responder = ""
ocsp_fail = "closed"
ocsp_timeout = 10
)", "t.toml");
  const TlsSettings& base = config.default_host.tls;
  EXPECT_EQ(base.ocsp, OcspMode::chain);
  EXPECT_EQ(base.ocsp_responder, "http://ocsp.example.com:8080/ocsp");
  EXPECT_EQ(base.ocsp_fail, OcspFail::open);
  EXPECT_EQ(base.ocsp_timeout, Millis(500));
  const TlsSettings& a = config.hosts[0].tls;
  EXPECT_EQ(a.ocsp, OcspMode::leaf);
  EXPECT_EQ(a.ocsp_responder, "http://ocsp.example.com:8080/ocsp");
  EXPECT_EQ(a.ocsp_fail, OcspFail::open);
  EXPECT_EQ(a.ocsp_timeout, Millis(500));
  const TlsSettings& b = config.hosts[1].tls;
  EXPECT_EQ(b.ocsp, OcspMode::off);
  EXPECT_EQ(b.ocsp_responder, "");
  EXPECT_EQ(b.ocsp_fail, OcspFail::closed);
  EXPECT_EQ(b.ocsp_timeout, Millis(10'000));
}

TEST(TomlOcsp, BadValuesAreRefusedAtTheirPosition) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nocsp = \"on\"\n", "t.toml"), 2, 8, "ocsp");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nocsp_fail = \"maybe\"\n", "t.toml"), 2, 13, "ocsp_fail");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nocsp_responder = \"https://ocsp.example.com/\"\n", "t.toml"), 2, 18,
                         "unsupported scheme 'https' (OCSP responders are asked over http://)");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nocsp_responder = \"http://user@ocsp.example.com/\"\n", "t.toml"), 2, 18,
                         "user information");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nocsp_responder = \"http://ocsp.example.com:0/\"\n", "t.toml"), 2, 18,
                         "bad host or port");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nocsp_timeout = \"0s\"\n", "t.toml"), 2, 16, "between 1ms and 60s");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nocsp_timeout = \"2m\"\n", "t.toml"), 2, 16, "between 1ms and 60s");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.test\"]\nocsp = \"all\"\n", "t.toml"), 3, 8, "ocsp");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nocsp_cache = 5\n", "t.toml"), 2, 1, "ocsp_cache");
}

}  // namespace
}  // namespace certgate::config
