#include "tls/ocsp_cache.hpp"

#include <gtest/gtest.h>

namespace certgate::tls {
namespace {

OcspAnswer answer(OcspAnswer::Status status, std::time_t next_update) {
  OcspAnswer a;
  a.status = status;
  a.this_update = 1000;
  a.next_update = next_update;
  return a;
}

TEST(OcspCache, KeptUntilNextUpdate) {
  OcspCache cache(10);
  EXPECT_EQ(cache.insert("k", answer(OcspAnswer::Status::good, 5000), 2000), 5000);
  auto hit = cache.find("k", 4999);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->answer.status, OcspAnswer::Status::good);
  EXPECT_EQ(hit->expires, 5000);
  EXPECT_FALSE(cache.find("k", 5000));
  EXPECT_FALSE(cache.find("other", 2000));
}

TEST(OcspCache, WithoutNextUpdateKeptForACap) {
  OcspCache cache(10);
  EXPECT_EQ(cache.insert("k", answer(OcspAnswer::Status::revoked, 0), 2000), 2000 + OcspCache::kWithoutNextUpdate);
  EXPECT_TRUE(cache.find("k", 2000 + OcspCache::kWithoutNextUpdate - 1));
  EXPECT_FALSE(cache.find("k", 2000 + OcspCache::kWithoutNextUpdate));
}

TEST(OcspCache, ErrorsAndPastNextUpdatesAreNotKept) {
  OcspCache cache(10);
  EXPECT_EQ(cache.insert("e", answer(OcspAnswer::Status::error, 5000), 2000), 0);
  EXPECT_EQ(cache.insert("p", answer(OcspAnswer::Status::good, 1500), 2000), 0);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.find("e", 2000));
}

TEST(OcspCache, UnknownIsKeptLikeAnyVerifiedAnswer) {
  OcspCache cache(10);
  EXPECT_EQ(cache.insert("u", answer(OcspAnswer::Status::unknown, 5000), 2000), 5000);
}

TEST(OcspCache, WhenFullExpiredGoFirstThenTheSoonest) {
  OcspCache cache(2);
  cache.insert("a", answer(OcspAnswer::Status::good, 3000), 2000);
  cache.insert("b", answer(OcspAnswer::Status::good, 9000), 2000);
  cache.insert("c", answer(OcspAnswer::Status::good, 8000), 2500);  // full: a (soonest) goes
  EXPECT_FALSE(cache.find("a", 2500));
  EXPECT_TRUE(cache.find("b", 2500));
  EXPECT_TRUE(cache.find("c", 2500));
  cache.insert("d", answer(OcspAnswer::Status::good, 9500), 8500);  // c expired: it goes, b stays
  EXPECT_TRUE(cache.find("b", 8500));
  EXPECT_TRUE(cache.find("d", 8500));
  EXPECT_EQ(cache.size(), 2u);
}

TEST(OcspCache, CapacityZeroKeepsNothing) {
  OcspCache cache(0);
  EXPECT_EQ(cache.insert("k", answer(OcspAnswer::Status::good, 5000), 2000), 0);
  EXPECT_FALSE(cache.find("k", 2000));
}

}  // namespace
}  // namespace certgate::tls
