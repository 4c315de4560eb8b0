#include "http/request_id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "core/request_id.hpp"

namespace certgate::http_id {
namespace {

namespace http = boost::beast::http;

bool lower_hex_32(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

TEST(RequestIdGenerator, IdsAre32LowerHexDigitsAndAcceptable) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = generate_request_id();
    ASSERT_TRUE(lower_hex_32(id)) << id;
    ASSERT_TRUE(core::acceptable_request_id(id)) << id;
  }
}

TEST(RequestIdGenerator, ManyIdsAreDistinctWithinAndAcrossThreads) {
  constexpr int kThreads = 4, kPerThread = 50000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(generate_request_id());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(RequestIdGenerator, EveryHexDigitPositionVaries) {
  // A generator stuck on a constant prefix or suffix (a counter, a zero half) would fail this.
  std::vector<std::set<char>> seen(32);
  for (int i = 0; i < 2000; ++i) {
    const std::string id = generate_request_id();
    for (int p = 0; p < 32; ++p) seen[p].insert(id[p]);
  }
  for (int p = 0; p < 32; ++p) EXPECT_EQ(seen[p].size(), 16u) << "position " << p;
}

http::request_header<> head_with(std::initializer_list<std::pair<const char*, std::string>> fields) {
  http::request_header<> h;
  h.method(http::verb::get);
  h.target("/");
  for (const auto& [n, v] : fields) h.insert(n, v);
  return h;
}

TEST(RequestIdFor, TakesAnAcceptableValueFromTheVerifiedEdge) {
  EXPECT_EQ(request_id_for(head_with({{"CF-Ray", "8f1e2d3c4b5a6978-FRA"}}), "CF-Ray", true), "8f1e2d3c4b5a6978-FRA");
  EXPECT_EQ(request_id_for(head_with({{"cf-ray", "abc"}}), "CF-Ray", true), "abc");  // names are case-insensitive
  EXPECT_EQ(request_id_for(head_with({{"X-Edge-Id", "e.1"}}), "X-Edge-Id", true), "e.1");
}

TEST(RequestIdFor, GeneratesOtherwise) {
  // Not the verified edge; taking switched off; no such field; twice; unsafe or over-long values.
  EXPECT_TRUE(lower_hex_32(request_id_for(head_with({{"CF-Ray", "abc"}}), "CF-Ray", false)));
  EXPECT_TRUE(lower_hex_32(request_id_for(head_with({{"CF-Ray", "abc"}}), "", true)));
  EXPECT_TRUE(lower_hex_32(request_id_for(head_with({}), "CF-Ray", true)));
  EXPECT_TRUE(lower_hex_32(request_id_for(head_with({{"CF-Ray", "abc"}, {"CF-Ray", "def"}}), "CF-Ray", true)));
  for (const std::string& v : {std::string("a b"), std::string("a\"b"), std::string(129, 'a'), std::string("")}) {
    EXPECT_TRUE(lower_hex_32(request_id_for(head_with({{"CF-Ray", v}}), "CF-Ray", true))) << v;
  }
}

}  // namespace
}  // namespace certgate::http_id
