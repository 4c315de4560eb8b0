#include "core/host_index.hpp"

#include <gtest/gtest.h>

namespace certgate::core {
namespace {

TEST(HostIndex, ExactNamesAnyCaseAndTrailingDot) {
  HostIndex index;
  index.add("API.example.com", 1);
  EXPECT_EQ(index.find("api.example.com"), 1);
  EXPECT_EQ(index.find("api.EXAMPLE.com."), 1);
  EXPECT_EQ(index.find("www.example.com"), -1);
  EXPECT_EQ(index.find(""), -1);
}

TEST(HostIndex, ExactBeatsWildcardAndLongestSuffixWins) {
  HostIndex index;
  index.add("*.example.com", 1);
  index.add("*.api.example.com", 2);
  index.add("www.api.example.com", 3);
  EXPECT_EQ(index.find("a.example.com"), 1);
  EXPECT_EQ(index.find("x.y.example.com"), 1);
  EXPECT_EQ(index.find("v1.api.example.com"), 2);
  EXPECT_EQ(index.find("www.api.example.com"), 3);
  // A wildcard needs at least one more label.
  EXPECT_EQ(index.find("example.com"), -1);
}

TEST(HostIndex, FirstClaimKeepsTheName) {
  HostIndex index;
  index.add("a.test", 1);
  index.add("a.test", 2);
  index.add("*.test", 3);
  index.add("*.test", 4);
  EXPECT_EQ(index.find("a.test"), 1);
  EXPECT_EQ(index.find("b.test"), 3);
}

}  // namespace
}  // namespace certgate::core
