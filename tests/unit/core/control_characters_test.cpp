#include "core/control_characters.hpp"

#include <gtest/gtest.h>

#include <string>

namespace certgate::core {
namespace {

TEST(ControlCharacters, ExactlyC0AndDel) {
  for (int byte = 0; byte < 256; ++byte) {
    const bool expected = byte < 0x20 || byte == 0x7f;
    EXPECT_EQ(is_control_character(static_cast<char>(byte)), expected) << byte;
  }
}

TEST(ControlCharacters, FindsTheFirst) {
  EXPECT_EQ(find_control_character(""), std::string_view::npos);
  EXPECT_EQ(find_control_character("CONTOSO\\édge \"x\" 日本"), std::string_view::npos);
  EXPECT_EQ(find_control_character("ab\r\ncd"), 2u);
  EXPECT_EQ(find_control_character(std::string_view("a\0b", 3)), 1u);
}

TEST(ControlCharacters, DescribesWithNameAndOneBasedByte) {
  EXPECT_EQ(describe_control_character("fine"), "");
  EXPECT_EQ(describe_control_character("edge\r\nX"), "the control character 0x0D (CR) at byte 5");
  EXPECT_EQ(describe_control_character("\n"), "the control character 0x0A (LF) at byte 1");
  EXPECT_EQ(describe_control_character(std::string_view("a\0", 2)), "the control character 0x00 (NUL) at byte 2");
  EXPECT_EQ(describe_control_character("a\tb"), "the control character 0x09 (TAB) at byte 2");
  EXPECT_EQ(describe_control_character("\x1b[2J"), "the control character 0x1B (ESC) at byte 1");
  EXPECT_EQ(describe_control_character("x\x7f"), "the control character 0x7F (DEL) at byte 2");
  EXPECT_EQ(describe_control_character("\x01"), "the control character 0x01 at byte 1");
}

TEST(ControlCharacters, EscapesEveryOneAndNothingElse) {
  EXPECT_EQ(escape_control_characters("edge\r\nX-Injected: 1"), "edge\\x0D\\x0AX-Injected: 1");
  EXPECT_EQ(escape_control_characters(std::string_view("a\0b\x7f", 4)), "a\\x00b\\x7F");
  EXPECT_EQ(escape_control_characters("Zoë \\ \"q\""), "Zoë \\ \"q\"");
  EXPECT_EQ(find_control_character(escape_control_characters("\x01\x02\x1f")), std::string_view::npos);
}

}  // namespace
}  // namespace certgate::core
