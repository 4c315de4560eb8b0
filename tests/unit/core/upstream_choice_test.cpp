#include "core/upstream_choice.hpp"

#include <gtest/gtest.h>

#include <map>

namespace certgate::core {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

std::map<std::size_t, int> spread(BalanceMethod m, const std::vector<Candidate>& c, int rounds) {
  std::map<std::size_t, int> seen;
  for (int t = 0; t < rounds; ++t) ++seen[*choose_server(m, c, static_cast<std::uint64_t>(t))];
  return seen;
}

TEST(UpstreamChoice, RoundRobinTakesEveryServerInTurn) {
  std::vector<Candidate> c(3);
  auto seen = spread(BalanceMethod::round_robin, c, 9);
  EXPECT_EQ(seen, (std::map<std::size_t, int>{{0, 3}, {1, 3}, {2, 3}}));
  EXPECT_EQ(*choose_server(BalanceMethod::round_robin, c, 0), 0u);
  EXPECT_EQ(*choose_server(BalanceMethod::round_robin, c, 1), 1u);
}

TEST(UpstreamChoice, RoundRobinSpreadsEvenlyOverTheAvailableOnes) {
  std::vector<Candidate> c(3);
  c[1].available = false;
  auto seen = spread(BalanceMethod::round_robin, c, 10);
  EXPECT_EQ(seen, (std::map<std::size_t, int>{{0, 5}, {2, 5}}));
}

TEST(UpstreamChoice, LeastConnTakesTheServerWithFewestInFlight) {
  std::vector<Candidate> c(3);
  c[0].active = 4;
  c[1].active = 1;
  c[2].active = 2;
  for (std::uint64_t t = 0; t < 5; ++t) EXPECT_EQ(*choose_server(BalanceMethod::least_conn, c, t), 1u);
  c[2].active = 1;  // a tie: taken in turn
  auto seen = spread(BalanceMethod::least_conn, c, 4);
  EXPECT_EQ(seen, (std::map<std::size_t, int>{{1, 2}, {2, 2}}));
}

TEST(UpstreamChoice, LeastConnIgnoresAnUnavailableIdleServer) {
  std::vector<Candidate> c(2);
  c[0].available = false;
  c[1].active = 9;
  EXPECT_EQ(*choose_server(BalanceMethod::least_conn, c, 0), 1u);
}

TEST(UpstreamChoice, TriedServersAreExcluded) {
  std::vector<Candidate> c(2);
  c[0].excluded = true;
  for (std::uint64_t t = 0; t < 4; ++t) EXPECT_EQ(*choose_server(BalanceMethod::round_robin, c, t), 1u);
  c[1].excluded = true;
  EXPECT_FALSE(choose_server(BalanceMethod::round_robin, c, 0));
}

TEST(UpstreamChoice, EveryServerDownTakesTheLeastRecentlyFailed) {
  std::vector<Candidate> c(3);
  for (auto& x : c) x.available = false;
  c[0].last_failed = 30;
  c[1].last_failed = 10;
  c[2].last_failed = 20;
  EXPECT_EQ(*choose_server(BalanceMethod::round_robin, c, 7), 1u);
  EXPECT_EQ(*choose_server(BalanceMethod::least_conn, c, 7), 1u);
  c[1].excluded = true;  // tried already: the next least recent
  EXPECT_EQ(*choose_server(BalanceMethod::round_robin, c, 7), 2u);
}

TEST(UpstreamChoice, EmptyUpstreamHasNoChoice) {
  EXPECT_FALSE(choose_server(BalanceMethod::round_robin, {}, 0));
}

TEST(ServerHealth, OneFailureSkipsForFailTimeoutThenRetries) {
  ServerHealth h;
  EXPECT_TRUE(server_available(h, 0));
  record_failure(h, 100 * kSecond, 1, 10 * kSecond);
  EXPECT_FALSE(server_available(h, 100 * kSecond));
  EXPECT_FALSE(server_available(h, 109 * kSecond));
  EXPECT_TRUE(server_available(h, 110 * kSecond));  // tried again
  EXPECT_EQ(h.last_failed, 100 * kSecond);
  // Failing again goes down again at once; a success clears it.
  record_failure(h, 111 * kSecond, 1, 10 * kSecond);
  EXPECT_FALSE(server_available(h, 112 * kSecond));
  record_success(h);
  EXPECT_TRUE(server_available(h, 112 * kSecond));
  EXPECT_EQ(h.fails, 0);
}

TEST(ServerHealth, MaxFailsConsecutiveFailuresBeforeSkipping) {
  ServerHealth h;
  record_failure(h, 1 * kSecond, 3, 10 * kSecond);
  record_failure(h, 2 * kSecond, 3, 10 * kSecond);
  EXPECT_TRUE(server_available(h, 2 * kSecond));
  record_success(h);  // not in a row
  record_failure(h, 3 * kSecond, 3, 10 * kSecond);
  record_failure(h, 4 * kSecond, 3, 10 * kSecond);
  EXPECT_TRUE(server_available(h, 4 * kSecond));
  record_failure(h, 5 * kSecond, 3, 10 * kSecond);
  EXPECT_FALSE(server_available(h, 5 * kSecond));
  EXPECT_TRUE(server_available(h, 15 * kSecond));
  record_failure(h, 16 * kSecond, 3, 10 * kSecond);  // still at max_fails: down again at once
  EXPECT_FALSE(server_available(h, 16 * kSecond));
}

TEST(ServerHealth, ActiveCheckDownOverridesPassiveUp) {
  ServerHealth h;
  h.check_down = true;
  EXPECT_FALSE(server_available(h, 0));
  record_success(h);  // a response on a connection does not undo the check's verdict
  EXPECT_FALSE(server_available(h, 0));
  h.check_down = false;
  EXPECT_TRUE(server_available(h, 0));
}

}  // namespace
}  // namespace certgate::core
