#include <gtest/gtest.h>

#include "core/compiled_policy.hpp"

namespace certgate::core {
namespace {

using Kind = WildcardPattern::Kind;

bool matches(std::string_view pattern, std::string_view value, bool case_sensitive = true) {
  return WildcardPattern::parse(pattern, case_sensitive).matches(value);
}

TEST(WildcardParse, SplitsTheFiveForms) {
  EXPECT_EQ(WildcardPattern::parse("abc", true).kind, Kind::exact);
  EXPECT_EQ(WildcardPattern::parse("abc*", true).kind, Kind::prefix);
  EXPECT_EQ(WildcardPattern::parse("*abc", true).kind, Kind::suffix);
  EXPECT_EQ(WildcardPattern::parse("*abc*", true).kind, Kind::contains);
  EXPECT_EQ(WildcardPattern::parse("*", true).kind, Kind::any);
  EXPECT_EQ(WildcardPattern::parse("abc*", true).text, "abc");
  EXPECT_EQ(WildcardPattern::parse("*abc*", true).text, "abc");
}

TEST(WildcardParse, DoubleStarIsAny) {
  EXPECT_EQ(WildcardPattern::parse("**", true).kind, Kind::any);
  EXPECT_TRUE(matches("**", "anything"));
}

TEST(WildcardParse, LowersThePatternWhenCaseInsensitive) {
  const auto pattern = WildcardPattern::parse("*.Example.COM", false);
  EXPECT_EQ(pattern.text, ".example.com");
  EXPECT_FALSE(pattern.case_sensitive);
  EXPECT_EQ(WildcardPattern::parse("*.Example.COM", true).text, ".Example.COM");
}

TEST(WildcardMatch, Exact) {
  EXPECT_TRUE(matches("alice", "alice"));
  EXPECT_FALSE(matches("alice", "alice2"));
  EXPECT_FALSE(matches("alice", "malice"));
  EXPECT_FALSE(matches("alice", ""));
}

TEST(WildcardMatch, Prefix) {
  EXPECT_TRUE(matches("Engineer*", "Engineering"));
  EXPECT_TRUE(matches("Engineer*", "Engineer"));
  EXPECT_FALSE(matches("Engineer*", "Chief Engineer"));
}

TEST(WildcardMatch, Suffix) {
  EXPECT_TRUE(matches("*.example.com", "a.example.com"));
  EXPECT_FALSE(matches("*.example.com", "a.example.com.evil"));
  EXPECT_FALSE(matches("*.example.com", "example.com"));
}

TEST(WildcardMatch, Contains) {
  EXPECT_TRUE(matches("*ops*", "devops-team"));
  EXPECT_TRUE(matches("*ops*", "ops"));
  EXPECT_FALSE(matches("*ops*", "o-p-s"));
}

TEST(WildcardMatch, AnyMatchesEveryValueIncludingEmpty) {
  EXPECT_TRUE(matches("*", "x"));
  EXPECT_TRUE(matches("*", ""));
}

TEST(WildcardMatch, StarInTheMiddleIsLiteral) {
  EXPECT_EQ(WildcardPattern::parse("a*b", true).kind, Kind::exact);
  EXPECT_TRUE(matches("a*b", "a*b"));
  EXPECT_FALSE(matches("a*b", "axb"));
  EXPECT_FALSE(matches("a*b", "ab"));
  // Still literal inside a prefix pattern: "a*b*" is a prefix "a*b".
  EXPECT_TRUE(matches("a*b*", "a*bc"));
  EXPECT_FALSE(matches("a*b*", "axbc"));
}

TEST(WildcardMatch, CaseSensitiveByDefault) {
  EXPECT_FALSE(matches("alice", "Alice"));
  EXPECT_FALSE(matches("*.example.com", "A.EXAMPLE.COM"));
}

TEST(WildcardMatch, CaseInsensitiveEveryForm) {
  EXPECT_TRUE(matches("Alice", "aLICE", false));
  EXPECT_TRUE(matches("ENG*", "engineering", false));
  EXPECT_TRUE(matches("*.Example.com", "A.EXAMPLE.COM", false));
  EXPECT_TRUE(matches("*OPS*", "DevOps", false));
  EXPECT_FALSE(matches("alice", "bob", false));
  EXPECT_FALSE(matches("*OPS*", "DevOp", false));
}

TEST(WildcardMatch, CaseFoldingIsAsciiOnly) {
  // Non-ASCII bytes compare exactly: "É" (C3 89) and "é" (C3 A9) differ.
  EXPECT_FALSE(matches("\xC3\x89", "\xC3\xA9", false));
  EXPECT_TRUE(matches("Caf\xC3\xA9", "CAF\xC3\xA9", false));
}

TEST(WildcardMatch, EmptyPatternMatchesOnlyEmptyValue) {
  EXPECT_TRUE(matches("", ""));
  EXPECT_FALSE(matches("", "x"));
}

}  // namespace
}  // namespace certgate::core
