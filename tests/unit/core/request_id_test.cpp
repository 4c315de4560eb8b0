#include "core/request_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace certgate::core {
namespace {

TEST(RequestId, AcceptsShortSafeTokens) {
  for (const char* v : {"8f1e2d3c4b5a6978-FRA", "a", "A-Z_a.z:0-9", "0123456789abcdef0123456789abcdef",
                        "req:2024.01.01_7"}) {
    EXPECT_TRUE(acceptable_request_id(v)) << v;
  }
  EXPECT_TRUE(acceptable_request_id(std::string(kMaxRequestIdBytes, 'x')));
}

TEST(RequestId, RefusesEverythingElse) {
  EXPECT_FALSE(acceptable_request_id(""));
  EXPECT_FALSE(acceptable_request_id(std::string(kMaxRequestIdBytes + 1, 'x')));
  for (const char* v : {"a b", "a\r\nX-Client-Identity: admin", "a\n", "a\r", "a\tb", "\"quoted\"", "a\\b", "a=b",
                        "a/b", "a,b", "a;b", "{}", "a%0d", "caf\xc3\xa9", "\x7f", "a+b", "<script>"}) {
    EXPECT_FALSE(acceptable_request_id(v)) << v;
  }
  EXPECT_FALSE(acceptable_request_id(std::string("a\0b", 3)));
  // Every byte outside the set, alone.
  for (int c = 0; c < 256; ++c) {
    const bool in_set = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '_' || c == '.' || c == ':';
    EXPECT_EQ(acceptable_request_id(std::string(1, static_cast<char>(c))), in_set) << c;
  }
}

}  // namespace
}  // namespace certgate::core
