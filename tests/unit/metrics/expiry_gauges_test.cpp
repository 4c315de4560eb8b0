#include "metrics/expiry_gauges.hpp"

#include <gtest/gtest.h>

#include "metrics/metrics.hpp"

namespace certgate::metrics {
namespace {

using core::TimeLimit;

bool has_line(const std::string& text, const std::string& line) { return text.find("\n" + line + "\n") != std::string::npos; }

std::vector<TimeLimit> limits() {
  return {TimeLimit{TimeLimit::Kind::server, "default", "CN=server", "/etc/server.pem", 1'000'000},
          TimeLimit{TimeLimit::Kind::anchor, "default", "CN=ca", "/etc/ca.pem", 2'000'000},
          TimeLimit{TimeLimit::Kind::anchor, "default", "CN=ca", "/etc/ca.pem", 2'000'000},  // the file given twice
          TimeLimit{TimeLimit::Kind::crl, "default", "CN=ca", "/etc/ca.crl", 900'000},
          TimeLimit{TimeLimit::Kind::crl, "api.example.com", "CN=ca", "/etc/ca.crl", 1'100'000},
          TimeLimit{TimeLimit::Kind::crl, "default", "CN=no next", "/etc/nonext.crl", 0}};
}

TEST(ExpiryGauges, SecondsFromNowSignedAndLabelled) {
  Metrics m;
  m.set_time_limits(limits());
  const std::string text = m.scrape(0, 1'000'000 - 10);
  EXPECT_TRUE(has_line(text, "# TYPE certgate_certificate_expiry_seconds gauge")) << text;
  EXPECT_TRUE(has_line(
      text, R"(certgate_certificate_expiry_seconds{file="/etc/server.pem",host_block="default",kind="server",subject="CN=server"} 10)"))
      << text;
  EXPECT_TRUE(has_line(
      text, R"(certgate_certificate_expiry_seconds{file="/etc/ca.pem",host_block="default",kind="anchor",subject="CN=ca"} 1000010)"))
      << text;
  EXPECT_TRUE(has_line(text, "# TYPE certgate_crl_next_update_seconds gauge")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_crl_next_update_seconds{file="/etc/ca.crl",host_block="default",issuer="CN=ca"} -99990)"))
      << text;
  EXPECT_TRUE(has_line(
      text, R"(certgate_crl_next_update_seconds{file="/etc/ca.crl",host_block="api.example.com",issuer="CN=ca"} 100010)"))
      << text;
  EXPECT_EQ(text.find("nonext"), std::string::npos) << "a CRL without nextUpdate has no series\n" << text;
}

TEST(ExpiryGauges, DuplicatesOnceAndReplacedWhole) {
  auto families = expiry_families(limits(), 0);
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].metric.size(), 2u);  // server + one anchor
  EXPECT_EQ(families[1].metric.size(), 2u);
  Metrics m;
  m.set_time_limits(limits());
  m.set_time_limits({});
  const std::string text = m.scrape(0, 0);
  EXPECT_EQ(text.find("/etc/ca.pem"), std::string::npos) << "a swap drops what the new configuration lacks\n" << text;
}

TEST(ExpiryGauges, CrlReloadsCountedApartFromSighup) {
  Metrics m;
  m.crl_reload_succeeded();
  m.crl_reload_failed();
  m.crl_reload_failed();
  const std::string text = m.scrape(0);
  EXPECT_TRUE(has_line(text, R"(certgate_crl_reloads_total{result="success"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_crl_reloads_total{result="failure"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_reloads_total{result="failure"} 0)")) << text;
}

}  // namespace
}  // namespace certgate::metrics
