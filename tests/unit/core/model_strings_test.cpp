// SourcePos, DistinguishedName::values_of and the enum to_string functions.
#include <gtest/gtest.h>

#include "core/cert_digest.hpp"
#include "core/mapping_policy.hpp"
#include "core/source_pos.hpp"
#include "core/verify_result.hpp"

namespace certgate::core {
namespace {

TEST(SourcePos, FullPosition) { EXPECT_EQ((SourcePos{"certgate.toml", 12, 5}.to_string()), "certgate.toml:12:5"); }

TEST(SourcePos, LeavesOutUnknownParts) {
  EXPECT_EQ((SourcePos{"certgate.toml", 12, 0}.to_string()), "certgate.toml:12");
  EXPECT_EQ((SourcePos{"certgate.toml", 0, 0}.to_string()), "certgate.toml");
  EXPECT_EQ((SourcePos{"certgate.toml", 0, 7}.to_string()), "certgate.toml");  // a column needs its line
  EXPECT_EQ((SourcePos{"", 3, 4}.to_string()), "3:4");
  EXPECT_EQ(SourcePos{}.to_string(), "");
}

TEST(DistinguishedName, ValuesOfReturnsEveryValueInOrder) {
  DistinguishedName name;
  name.attributes = {{"2.5.4.6", "C", "DE"},
                     {"2.5.4.11", "OU", "Ops"},
                     {"2.5.4.11", "OU", "Dev"},
                     {"2.5.4.3", "CN", "alice"}};
  const auto ous = name.values_of("2.5.4.11");
  ASSERT_EQ(ous.size(), 2u);
  EXPECT_EQ(ous[0], "Ops");
  EXPECT_EQ(ous[1], "Dev");
  EXPECT_EQ(name.values_of("2.5.4.3").size(), 1u);
  EXPECT_TRUE(name.values_of("2.5.4.8").empty());
}

TEST(EnumStrings, Names) {
  EXPECT_EQ(to_string(ClientCertMode::ignore), "ignore");
  EXPECT_EQ(to_string(ClientCertMode::accept), "accept");
  EXPECT_EQ(to_string(ClientCertMode::require), "require");
  EXPECT_EQ(to_string(RuleField::subject), "subject");
  EXPECT_EQ(to_string(RuleField::issuer), "issuer");
  EXPECT_EQ(to_string(Permission::allow), "allow");
  EXPECT_EQ(to_string(Permission::deny), "deny");
  EXPECT_EQ(to_string(VerifyStatus::not_presented), "not_presented");
  EXPECT_EQ(to_string(VerifyStatus::ok), "ok");
  EXPECT_EQ(to_string(VerifyStatus::untrusted), "untrusted");
  EXPECT_EQ(to_string(VerifyStatus::expired), "expired");
  EXPECT_EQ(to_string(VerifyStatus::not_yet_valid), "not_yet_valid");
  EXPECT_EQ(to_string(VerifyStatus::revoked), "revoked");
}

}  // namespace
}  // namespace certgate::core
