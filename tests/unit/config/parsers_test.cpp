#include <gtest/gtest.h>

#include "config/load.hpp"

namespace certgate::config {
namespace {

TEST(ParseDuration, AcceptsEveryUnitAndBareSeconds) {
  EXPECT_EQ(parse_duration("250ms"), Millis{250});
  EXPECT_EQ(parse_duration("10s"), Millis{10'000});
  EXPECT_EQ(parse_duration("2m"), Millis{120'000});
  EXPECT_EQ(parse_duration("1h"), Millis{3'600'000});
  EXPECT_EQ(parse_duration("15"), Millis{15'000});
  EXPECT_EQ(parse_duration("0"), Millis{0});
}

TEST(ParseDuration, RejectsNegativesAndGarbage) {
  for (const char* bad : {"", "-1s", "-5", "s", "10 s", " 10s", "1.5s", "10x", "10sec", "1d", "10S", "ms",
                          "99999999999999999999", "9999999999999999h"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(ParseSize, AcceptsBinaryAndDecimalUnits) {
  EXPECT_EQ(parse_size("16KiB"), 16u * 1024);
  EXPECT_EQ(parse_size("1MiB"), 1024u * 1024);
  EXPECT_EQ(parse_size("1GiB"), 1024ull * 1024 * 1024);
  EXPECT_EQ(parse_size("100MB"), 100'000'000u);
  EXPECT_EQ(parse_size("1KB"), 1000u);
  EXPECT_EQ(parse_size("1024"), 1024u);
  EXPECT_EQ(parse_size("7B"), 7u);
  EXPECT_EQ(parse_size("0"), 0u);
}

TEST(ParseSize, RejectsNegativesGarbageAndOverflow) {
  for (const char* bad : {"", "-1", "KiB", "1.5MiB", "16 KiB", "16kib", "16K", "1TB", "99999999999999GiB",
                          "99999999999999999999"}) {
    EXPECT_FALSE(parse_size(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(ParseListen, IPv4IPv6AndNames) {
  auto v4 = parse_listen("127.0.0.1:8443");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8443);

  auto v6 = parse_listen("[::1]:8443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);

  auto any = parse_listen("0.0.0.0:443");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->host, "0.0.0.0");
  EXPECT_EQ(any->port, 443);

  auto name = parse_listen("localhost:8443");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "localhost");

  auto v6_any = parse_listen("[::]:65535");
  ASSERT_TRUE(v6_any);
  EXPECT_EQ(v6_any->host, "::");
  EXPECT_EQ(v6_any->port, 65535);
}

TEST(ParseListen, RequiresAHostAndAPortInRange) {
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", ":8443", "127.0.0.1:0", "127.0.0.1:65536", "host:+1",
                          "host:-1", "host:80a", "::1:8443", "[::1]8443", "[::1]", "[]:1", "[abc]:1", "a b:1",
                          "[::1]:", "host:123456"}) {
    EXPECT_FALSE(parse_listen(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(ParseMode, ExactlyTheThreeModes) {
  EXPECT_EQ(parse_mode("ignore"), core::ClientCertMode::ignore);
  EXPECT_EQ(parse_mode("accept"), core::ClientCertMode::accept);
  EXPECT_EQ(parse_mode("require"), core::ClientCertMode::require);
  EXPECT_FALSE(parse_mode("Require").has_value());
  EXPECT_FALSE(parse_mode("optional").has_value());
  EXPECT_FALSE(parse_mode("").has_value());
}

}  // namespace
}  // namespace certgate::config
