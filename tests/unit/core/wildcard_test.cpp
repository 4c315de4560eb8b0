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

// IIS compares with _wcsicmp in the "C" locale, which lowers A-Z only (docs/decisions.md): no Unicode case
// mapping, no full case folding, no normalisation, in any of the five forms.
TEST(WildcardMatch, CaseFoldingIsAsciiOnlyOutsideAscii) {
  EXPECT_FALSE(matches("STRASSE", "stra\xC3\x9F" "e", false));         // "straße": no full folding to "ss"
  EXPECT_FALSE(matches("\xC4\xB0stanbul", "istanbul", false));          // "İstanbul": no Turkish dotted I
  EXPECT_FALSE(matches("\xE2\x84\xAA" "elvin", "kelvin", false));       // KELVIN SIGN is not "K"
  EXPECT_FALSE(matches("\xEF\xBC\xA1" "cme", "acme", false));           // FULLWIDTH A is not "A"
  EXPECT_FALSE(matches("caf\xC3\xA9", "cafe\xCC\x81", false));         // precomposed vs combining accent
  EXPECT_FALSE(matches("*\xC3\x89" "cole*", "L'\xC3\xA9" "cole", false));  // contains: "É" vs "é"
  EXPECT_FALSE(matches("\xC3\x89*", "\xC3\xA9t\xC3\xA9", false));      // prefix
  EXPECT_FALSE(matches("*\xC3\x89", "caf\xC3\xA9", false));             // suffix
  // The ASCII letters around them still fold.
  EXPECT_TRUE(matches("Z\xC3\xBCRICH", "z\xC3\xBCrich", false));
  EXPECT_TRUE(matches("*\xC3\xA9" "COLE*", "L'\xC3\xA9" "cole", false));
  EXPECT_TRUE(matches("stra\xC3\x9F" "E*", "STRA\xC3\x9F" "e 1", false));
}

TEST(WildcardMatch, EmptyPatternMatchesOnlyEmptyValue) {
  EXPECT_TRUE(matches("", ""));
  EXPECT_FALSE(matches("", "x"));
}

}  // namespace
}  // namespace certgate::core
