#include "log/escape.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace certgate::logging {
namespace {

std::string json_string(std::string_view v) { return "\"" + json_escape(v) + "\""; }

// What a reader gets back from the JSON string for `v`.
std::string parsed(std::string_view v) { return nlohmann::json::parse(json_string(v)).get<std::string>(); }

TEST(JsonEscape, ControlCharactersQuotesAndBackslash) {
  EXPECT_EQ(json_escape("a\nb\x01"), "a\\nb\\u0001");
  EXPECT_EQ(json_escape(std::string("\0\r\t\"\\\x7f", 6)), "\\u0000\\r\\t\\\"\\\\\\u007f");
}

TEST(JsonEscape, ValidUtf8IsKeptAndParsesBackUnchanged) {
  for (std::string v : {"M\xc3\xbcller", "\xe2\x82\xac 5", "\xf0\x9d\x84\x9e", "\xef\xbf\xbd", "\xed\x9f\xbf",
                        "\xee\x80\x80", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_EQ(json_escape(v), v);
    EXPECT_EQ(parsed(v), v);
  }
}

TEST(JsonEscape, LineBreakingCodePointsAreEscapedButParseBackUnchanged) {
  // U+0085 (NEL), U+2028, U+2029: line breaks to Python's str.splitlines() and others.
  std::string v = "a\xc2\x85" "b\xe2\x80\xa8" "c\xe2\x80\xa9" "d\xc2\x9f";
  EXPECT_EQ(json_escape(v), "a\\u0085b\\u2028c\\u2029d\\u009f");
  EXPECT_EQ(parsed(v), v);
}

TEST(JsonEscape, BytesThatAreNotUtf8BecomeTheirLatin1CodePoint) {
  struct Case {
    std::string in, escaped;
  };
  for (const Case& c : std::vector<Case>{
           {"\xff", "\\u00ff"},
           {"\x80", "\\u0080"},                           // lone continuation byte
           {"\xc3(", "\\u00c3("},                          // lead byte without its continuation
           {"\xc0\xaf", "\\u00c0\\u00af"},                 // overlong "/"
           {"\xe0\x80\xaf", "\\u00e0\\u0080\\u00af"},      // overlong, 3 bytes
           {"\xed\xa0\x80", "\\u00ed\\u00a0\\u0080"},      // UTF-16 surrogate D800
           {"\xf4\x90\x80\x80", "\\u00f4\\u0090\\u0080\\u0080"},  // above U+10FFFF
           {"\xf5\x80\x80\x80", "\\u00f5\\u0080\\u0080\\u0080"},
           {"ok\xe2\x82", "ok\\u00e2\\u0082"},             // truncated at the end
       }) {
    EXPECT_EQ(json_escape(c.in), c.escaped) << c.escaped;
    // Parses (nlohmann rejects ill-formed UTF-8), each byte as the code point of its value.
    std::string expected;
    for (unsigned char b : c.in) {
      if (b < 0x80) expected.push_back(static_cast<char>(b));
      else expected += std::string{static_cast<char>(0xc0 | (b >> 6)), static_cast<char>(0x80 | (b & 0x3f))};
    }
    EXPECT_EQ(parsed(c.in), expected) << c.escaped;
  }
}

TEST(Utf8SequenceLength, Rfc3629Boundaries) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("\xc2\x80", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("\xc1\xbf", 0), 0u);
  EXPECT_EQ(utf8_sequence_length("\xe0\xa0\x80", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xe0\x9f\xbf", 0), 0u);
  EXPECT_EQ(utf8_sequence_length("\xed\x9f\xbf", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xed\xa0\x80", 0), 0u);
  EXPECT_EQ(utf8_sequence_length("\xf0\x90\x80\x80", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xf0\x8f\xbf\xbf", 0), 0u);
  EXPECT_EQ(utf8_sequence_length("\xf4\x8f\xbf\xbf", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xf4\x90\x80\x80", 0), 0u);
  EXPECT_EQ(utf8_sequence_length("\xe2\x82", 0), 0u);
}

TEST(TextField, PlainValuesStayBareEmptyIsDash) {
  EXPECT_EQ(text_field("a.test:8443"), "a.test:8443");
  EXPECT_EQ(text_field(""), "-");
  EXPECT_EQ(text_field("-"), "\"-\"");  // a value "-" is not mistaken for an empty one
}

TEST(TextField, QuotedWhenSpaceQuoteOrBackslash) {
  EXPECT_EQ(text_field("a b"), "\"a b\"");
  EXPECT_EQ(text_field("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(text_field("C:\\x"), "\"C:\\\\x\"");
}

TEST(TextField, ControlAndNonAsciiBytesAreHexEscaped) {
  EXPECT_EQ(text_field("a\r\nb"), "a\\x0d\\x0ab");
  EXPECT_EQ(text_field(std::string("\0\t\x7f", 3)), "\\x00\\x09\\x7f");
  EXPECT_EQ(text_field("M\xc3\xbcller"), "M\\xc3\\xbcller");
  EXPECT_EQ(text_field("a b\n"), "\"a b\\x0a\"");
}

TEST(TextEscapeUnquoted, SpacesAreEscapedToo) {
  EXPECT_EQ(text_escape_unquoted("GET"), "GET");
  EXPECT_EQ(text_escape_unquoted("/a b\"\\"), "/a\\x20b\\\"\\\\");
}

TEST(ControlEscape, OnlyControlCharacters) {
  EXPECT_EQ(control_escape("Host 'a\r\nb' \"q\" \\ \xc3\xbc"), "Host 'a\\x0d\\x0ab' \"q\" \\ \xc3\xbc");
}

TEST(Clip, LongValuesAreCutAtACharacterBoundaryAndSaySo) {
  EXPECT_EQ(clip("abcdef", 6), "abcdef");
  EXPECT_EQ(clip("abcdef", 4), "abcd...[+2 bytes]");
  // "\xe2\x82\xac" is one character: a cut inside it backs off to before it.
  EXPECT_EQ(clip("ab\xe2\x82\xac", 3), "ab...[+3 bytes]");
  EXPECT_EQ(clip("ab\xe2\x82\xac", 4), "ab...[+3 bytes]");
  EXPECT_EQ(clip("ab\xe2\x82\xac", 5), "ab\xe2\x82\xac");
}

}  // namespace
}  // namespace certgate::logging
