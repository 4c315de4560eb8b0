#include <gtest/gtest.h>

#include "core/compiled_policy.hpp"

namespace certgate::core {
namespace {

TEST(SubfieldOid, IisNames) {
  EXPECT_EQ(subfield_oid("CN"), "2.5.4.3");
  EXPECT_EQ(subfield_oid("OU"), "2.5.4.11");
  EXPECT_EQ(subfield_oid("O"), "2.5.4.10");
  EXPECT_EQ(subfield_oid("L"), "2.5.4.7");
  EXPECT_EQ(subfield_oid("S"), "2.5.4.8");
  EXPECT_EQ(subfield_oid("C"), "2.5.4.6");
  EXPECT_EQ(subfield_oid("E"), "1.2.840.113549.1.9.1");
}

TEST(SubfieldOid, AliasesAndCaseInsensitiveNames) {
  EXPECT_EQ(subfield_oid("ST"), "2.5.4.8");
  EXPECT_EQ(subfield_oid("st"), "2.5.4.8");
  EXPECT_EQ(subfield_oid("emailAddress"), "1.2.840.113549.1.9.1");
  EXPECT_EQ(subfield_oid("EMAILADDRESS"), "1.2.840.113549.1.9.1");
  EXPECT_EQ(subfield_oid("cn"), "2.5.4.3");
  EXPECT_EQ(subfield_oid("Ou"), "2.5.4.11");
}

TEST(SubfieldOid, DottedOidPassesThrough) {
  EXPECT_EQ(subfield_oid("2.5.4.5"), "2.5.4.5");
  EXPECT_EQ(subfield_oid("0.9.2342.19200300.100.1.1"), "0.9.2342.19200300.100.1.1");
}

TEST(SubfieldOid, UnknownGivesEmpty) {
  EXPECT_EQ(subfield_oid("XX"), "");
  EXPECT_EQ(subfield_oid(""), "");
  EXPECT_EQ(subfield_oid("SN"), "");
  EXPECT_EQ(subfield_oid("2"), "");        // no dot
  EXPECT_EQ(subfield_oid("2..5"), "");     // empty arc
  EXPECT_EQ(subfield_oid(".2.5"), "");
  EXPECT_EQ(subfield_oid("2.5."), "");
  EXPECT_EQ(subfield_oid("2.5.x"), "");
  EXPECT_EQ(subfield_oid(" CN"), "");      // no silent trimming
}

}  // namespace
}  // namespace certgate::core
