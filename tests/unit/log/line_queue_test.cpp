#include "log/line_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

namespace certgate::logging {
namespace {

using Push = LineQueue::Push;

std::size_t cost(std::size_t bytes) { return bytes + LineQueue::kLineOverhead; }

TEST(LineQueue, TakeReturnsEveryLineInOrder) {
  LineQueue q(1 << 20);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(q.push("line " + std::to_string(i) + "\n"), Push::queued);
  std::deque<std::string> out;
  auto t = q.try_take(out);
  ASSERT_EQ(out.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(out[i], "line " + std::to_string(i) + "\n");
  EXPECT_EQ(t.dropped, 0u);
  EXPECT_FALSE(t.closed);
}

TEST(LineQueue, FullQueueDropsAndCountsWithoutWaiting) {
  LineQueue q(cost(10) * 3);
  EXPECT_EQ(q.push("aaaaaaaaa\n"), Push::queued);
  EXPECT_EQ(q.push("bbbbbbbbb\n"), Push::queued);
  EXPECT_EQ(q.push("ccccccccc\n"), Push::queued);
  EXPECT_EQ(q.push("ddddddddd\n"), Push::dropped_first);
  EXPECT_EQ(q.push("eeeeeeeee\n"), Push::dropped);
  EXPECT_EQ(q.dropped_total(), 2u);

  std::deque<std::string> out;
  auto t = q.try_take(out);
  EXPECT_EQ(out, (std::deque<std::string>{"aaaaaaaaa\n", "bbbbbbbbb\n", "ccccccccc\n"}));
  EXPECT_EQ(t.dropped, 2u);

  // Room again; the next drop starts a new run.
  out.clear();
  EXPECT_EQ(q.push("fffffffff\n"), Push::queued);
  EXPECT_EQ(q.push("ggggggggg\n"), Push::queued);
  EXPECT_EQ(q.push("hhhhhhhhh\n"), Push::queued);
  EXPECT_EQ(q.push("iiiiiiiii\n"), Push::dropped_first);
  t = q.try_take(out);
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(t.dropped, 1u);
  EXPECT_EQ(q.dropped_total(), 3u);
}

TEST(LineQueue, LineLargerThanTheCapacityIsDroppedEvenWhenEmpty) {
  LineQueue q(cost(10));
  EXPECT_EQ(q.push(std::string(11, 'x')), Push::dropped_first);
  EXPECT_EQ(q.push(std::string(10, 'x')), Push::queued);
}

TEST(LineQueue, ManyTinyLinesAreBoundedByTheirOverheadToo) {
  LineQueue q(cost(0) * 100);
  int queued = 0;
  for (int i = 0; i < 1000; ++i) queued += q.push("") == Push::queued;
  EXPECT_EQ(queued, 100);
}

TEST(LineQueue, CloseRefusesNewLinesButKeepsQueuedOnes) {
  LineQueue q(1 << 20);
  q.push("a\n");
  q.close();
  EXPECT_EQ(q.push("b\n"), Push::dropped_first);
  std::deque<std::string> out;
  auto t = q.take(out);  // returns at once: closed
  EXPECT_EQ(out, std::deque<std::string>{"a\n"});
  EXPECT_TRUE(t.closed);
  EXPECT_EQ(t.dropped, 1u);
  out.clear();
  t = q.take(out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(t.closed);
}

TEST(LineQueue, TakeWaitsForALine) {
  LineQueue q(1 << 20);
  auto taker = std::async(std::launch::async, [&] {
    std::deque<std::string> out;
    q.take(out);
    return out;
  });
  q.push("x\n");
  ASSERT_EQ(taker.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(taker.get(), std::deque<std::string>{"x\n"});
}

TEST(LineQueue, ConcurrentProducersKeepTheirOwnOrderAndEveryLineIsAccountedFor) {
  constexpr int kThreads = 4, kLines = 20000;
  LineQueue q(cost(16) * 500);  // small: some pushes are dropped
  std::vector<std::thread> producers;
  std::atomic<int> queued{0};
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kLines; ++i) {
        char line[32];
        std::snprintf(line, sizeof line, "%d %07d\n", t, i);
        if (q.push(line) == Push::queued) ++queued;
      }
    });
  }
  std::vector<int> last(kThreads, -1);
  std::uint64_t taken = 0, dropped = 0;
  std::thread closer([&] {
    for (auto& p : producers) p.join();
    q.close();
  });
  for (;;) {
    std::deque<std::string> out;
    auto t = q.take(out);
    dropped += t.dropped;
    for (const auto& line : out) {
      int thread = 0, seq = 0;
      ASSERT_EQ(std::sscanf(line.c_str(), "%d %d", &thread, &seq), 2);
      EXPECT_GT(seq, last[thread]) << "out of order: " << line;
      last[thread] = seq;
      ++taken;
    }
    if (t.closed) break;
  }
  closer.join();
  EXPECT_EQ(taken, static_cast<std::uint64_t>(queued.load()));
  EXPECT_EQ(taken + dropped, static_cast<std::uint64_t>(kThreads) * kLines);
  EXPECT_EQ(dropped, q.dropped_total());
}

}  // namespace
}  // namespace certgate::logging
