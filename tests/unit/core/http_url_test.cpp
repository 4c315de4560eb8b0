#include "core/http_url.hpp"

#include <gtest/gtest.h>

namespace certgate::core {
namespace {

TEST(HttpUrl, HostPortAndPath) {
  auto u = parse_http_url("http://127.0.0.1:8888/ocsp/ca1");
  ASSERT_TRUE(u) << u.error;
  EXPECT_EQ(u.value->host, "127.0.0.1");
  EXPECT_EQ(u.value->port, 8888);
  EXPECT_EQ(u.value->authority, "127.0.0.1:8888");
  EXPECT_EQ(u.value->path, "/ocsp/ca1");
}

TEST(HttpUrl, DefaultsPort80AndPathSlash) {
  auto u = parse_http_url("HTTP://ocsp.example.com");
  ASSERT_TRUE(u) << u.error;
  EXPECT_EQ(u.value->port, 80);
  EXPECT_EQ(u.value->authority, "ocsp.example.com");
  EXPECT_EQ(u.value->path, "/");
  auto q = parse_http_url("http://ocsp.example.com?x=1");
  ASSERT_TRUE(q) << q.error;
  EXPECT_EQ(q.value->path, "/?x=1");
}

TEST(HttpUrl, Ipv6InBrackets) {
  auto u = parse_http_url("http://[::1]:9000/");
  ASSERT_TRUE(u) << u.error;
  EXPECT_EQ(u.value->host, "::1");
  EXPECT_EQ(u.value->authority, "[::1]:9000");
}

TEST(HttpUrl, Refusals) {
  EXPECT_NE(parse_http_url("https://ocsp.example.com/").error.find("unsupported scheme 'https'"), std::string::npos);
  EXPECT_NE(parse_http_url("ocsp.example.com").error.find("expected http://"), std::string::npos);
  EXPECT_NE(parse_http_url("http://u:p@ocsp.example.com/").error.find("user information"), std::string::npos);
  EXPECT_NE(parse_http_url("http://ocsp.example.com/#f").error.find("fragment"), std::string::npos);
  EXPECT_NE(parse_http_url("http:///x").error.find("missing host"), std::string::npos);
  EXPECT_NE(parse_http_url("http://ocsp.example.com:99999/").error.find("bad host or port"), std::string::npos);
  EXPECT_NE(parse_http_url("http://ocsp.example.com/a b").error.find("spaces or control"), std::string::npos);
  EXPECT_NE(parse_http_url("http://ocsp.example.com/\r\nX: 1").error.find("spaces or control"), std::string::npos);
}

}  // namespace
}  // namespace certgate::core
