#include <gtest/gtest.h>

#include "core/utf8.hpp"

namespace certgate::core {
namespace {

constexpr auto npos = std::string_view::npos;

TEST(Utf8, WellFormedTextHasNoInvalidByte) {
  EXPECT_EQ(find_invalid_utf8(""), npos);
  EXPECT_EQ(find_invalid_utf8("CloudFlare, Inc."), npos);
  EXPECT_EQ(find_invalid_utf8("Soci\xC3\xA9t\xC3\xA9"), npos);      // U+00E9
  EXPECT_EQ(find_invalid_utf8("\xE2\x82\xAC"), npos);                // U+20AC
  EXPECT_EQ(find_invalid_utf8("\xED\x9F\xBF"), npos);                // U+D7FF, the last before the surrogates
  EXPECT_EQ(find_invalid_utf8("\xF0\x9F\x94\x92"), npos);            // U+1F512
  EXPECT_EQ(find_invalid_utf8("\xF4\x8F\xBF\xBF"), npos);            // U+10FFFF
}

TEST(Utf8, EachIllFormedSequenceIsFoundAtItsFirstByte) {
  EXPECT_EQ(find_invalid_utf8("Soci\xE9t\xE9"), 4u);         // Latin-1
  EXPECT_EQ(find_invalid_utf8("a\x80"), 1u);                 // a lone continuation byte
  EXPECT_EQ(find_invalid_utf8("\xC3"), 0u);                  // truncated
  EXPECT_EQ(find_invalid_utf8("\xE2\x82"), 0u);              // truncated
  EXPECT_EQ(find_invalid_utf8("\xC0\xAF"), 0u);              // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xC1\xBF"), 0u);              // overlong
  EXPECT_EQ(find_invalid_utf8("\xE0\x80\xAF"), 0u);          // overlong
  EXPECT_EQ(find_invalid_utf8("\xF0\x80\x80\xAF"), 0u);      // overlong
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);          // U+D800, a surrogate
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);      // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(find_invalid_utf8("\xFF"), 0u);
  EXPECT_EQ(find_invalid_utf8("ok\xC3\xA9\xC3("), 4u);       // a continuation byte that is not one
}

TEST(Utf8, DescribesTheFirstProblem) {
  EXPECT_EQ(describe_invalid_utf8("fine \xC3\xA9"), "");
  EXPECT_EQ(describe_invalid_utf8("Soci\xE9t\xE9"), "the byte 0xE9 at byte 4 does not start a well-formed UTF-8 character");
}

}  // namespace
}  // namespace certgate::core
