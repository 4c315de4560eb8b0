#pragma once
// Raw HTTP text parsed the way the gateway parses it (Beast), for the tests of src/http.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace certgate::testing {
namespace http = boost::beast::http;

// The head of `raw` (which must hold a complete head), or a failed test. ec: Beast's verdict.
inline http::request_header<> parse_request_head(std::string_view raw, boost::system::error_code* ec_out = nullptr) {
  http::request_parser<http::buffer_body> parser;
  parser.header_limit(1 << 20);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  if (ec == http::error::need_buffer) ec = {};
  if (ec_out) *ec_out = ec;
  else EXPECT_FALSE(ec) << ec.message() << "\n" << raw;
  EXPECT_TRUE(ec || parser.is_header_done()) << raw;
  return parser.get().base();
}

inline http::response_header<> parse_response_head(std::string_view raw, bool head_request = false) {
  http::response_parser<http::buffer_body> parser;
  if (head_request) parser.skip(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
  if (ec == http::error::need_buffer) ec = {};
  EXPECT_FALSE(ec) << ec.message() << "\n" << raw;
  return parser.get().base();
}

// Values of every field named `name` (any case).
template <class Fields>
std::vector<std::string> values(const Fields& h, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& f : h)
    if (boost::beast::iequals(f.name_string(), name)) out.emplace_back(f.value());
  return out;
}

// A complete request rendered by the gateway, parsed back as an origin would: exactly one head, nothing left.
inline http::request_header<> reparse_rendered(const std::string& wire) {
  http::request_parser<http::string_body> parser;
  parser.eager(false);
  boost::system::error_code ec;
  const std::size_t used = parser.put(boost::asio::buffer(wire), ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << wire;
  EXPECT_TRUE(parser.is_header_done()) << wire;
  EXPECT_EQ(used, wire.size()) << "bytes after the head:\n" << wire;
  return parser.get().base();
}

}  // namespace certgate::testing
