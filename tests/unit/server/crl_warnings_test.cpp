#include "server/crl_warnings.hpp"

#include <gtest/gtest.h>

namespace certgate::server {
namespace {

using core::TimeLimit;

constexpr std::int64_t kDay = 86400;

TimeLimit crl(std::int64_t next, bool admits = false) {
  return TimeLimit{TimeLimit::Kind::crl, "default", "CN=ca", "/etc/ca.crl", next, admits};
}

TEST(CrlWarnings, SaysNothingOutsideTheWindow) {
  CrlWarnings w;
  EXPECT_TRUE(w.due({crl(10 * kDay)}, 0, kDay, true).empty());
  EXPECT_TRUE(w.due({crl(0)}, 0, kDay, true).empty());  // no nextUpdate
  EXPECT_TRUE(w.due({TimeLimit{TimeLimit::Kind::anchor, "default", "CN=ca", "ca.pem", 1}}, 5, kDay, true).empty());
}

TEST(CrlWarnings, AtLoadOnEnteringOnExpiryAndDaily) {
  CrlWarnings w;
  const std::int64_t next = 3 * kDay;
  EXPECT_TRUE(w.due({crl(next)}, 0, kDay, true).empty());
  // Enters the window: one warning, then quiet.
  auto said = w.due({crl(next)}, next - kDay + 5, kDay, false);
  ASSERT_EQ(said.size(), 1u);
  EXPECT_NE(said[0].find("the CRL issued by 'CN=ca' (/etc/ca.crl, host block default) reaches its nextUpdate at "),
            std::string::npos)
      << said[0];
  EXPECT_NE(said[0].find("refused (403.16, \"CRL expired\")"), std::string::npos) << said[0];
  EXPECT_TRUE(w.due({crl(next)}, next - kDay + 60, kDay, false).empty());
  // A reload says it again.
  EXPECT_EQ(w.due({crl(next)}, next - kDay + 70, kDay, true).size(), 1u);
  // Passes nextUpdate: at once.
  said = w.due({crl(next)}, next + 1, kDay, false);
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].rfind("CRL expired: the CRL issued by 'CN=ca'", 0), 0u) << said[0];
  EXPECT_TRUE(w.due({crl(next)}, next + 3600, kDay, false).empty());
  // A day later, again.
  EXPECT_EQ(w.due({crl(next)}, next + 1 + CrlWarnings::kRepeatSeconds, kDay, false).size(), 1u);
}

TEST(CrlWarnings, ExpiredAtLoadAndWarnMode) {
  CrlWarnings w;
  auto said = w.due({crl(100, true)}, 100 + 2 * 3600, kDay, true);
  ASSERT_EQ(said.size(), 1u);
  EXPECT_NE(said[0].find("2 hours ago"), std::string::npos) << said[0];
  EXPECT_NE(said[0].find("admitted without current revocation data (crl_expired = \"warn\""), std::string::npos)
      << said[0];
  // A zero window warns only once it passed.
  CrlWarnings zero;
  EXPECT_TRUE(zero.due({crl(1000)}, 999, 0, true).empty());
  EXPECT_EQ(zero.due({crl(1000)}, 1000, 0, false).size(), 1u);
}

}  // namespace
}  // namespace certgate::server
