#include <gtest/gtest.h>

#include "tls/server_tls.hpp"

namespace certgate::tls {
namespace {

TEST(ServerName, HostNamesAndNothingElse) {
  for (std::string_view ok : {"", "a.test", "edge.example.com.", "internal_host", "127.0.0.1", "xn--bcher-kva.example"}) {
    EXPECT_TRUE(acceptable_server_name(ok)) << ok;
  }
  using namespace std::string_view_literals;
  for (std::string_view bad : {"a.test\r\nX: 1"sv, "a.test:443"sv, "a b"sv, "a\x01"sv, "[::1]"sv, "::1"sv, "a\0b"sv,
                               "a/b"sv, "user@a"sv}) {
    EXPECT_FALSE(acceptable_server_name(bad)) << bad;
  }
}

}  // namespace
}  // namespace certgate::tls
