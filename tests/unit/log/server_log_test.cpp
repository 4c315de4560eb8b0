#include "log/server_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <future>
#include <optional>

#include "pipe_test_support.hpp"

namespace certgate::logging {
namespace {

using test_pipe::count_of;
using test_pipe::Pipe;

TEST(ServerLog, RoutesTheDefaultLoggerAndPutsItBack) {
  auto before = spdlog::default_logger();
  Pipe p(65536);
  {
    ServerLog log(p.write_fd);
    EXPECT_NE(spdlog::default_logger(), before);
    spdlog::warn("through the queue {}", 42);
  }  // written before the destructor returns
  EXPECT_EQ(spdlog::default_logger(), before);
  std::string got = p.read_now();
  EXPECT_NE(got.find(" warning through the queue 42\n"), std::string::npos) << got;
}

TEST(ServerLog, ControlCharactersInMessagesCannotStartALine) {
  Pipe p(65536);
  {
    ServerLog log(p.write_fd);
    spdlog::warn("Host '{}' refused", "a\r\n2024-01-01T00:00:00.000 info forged\x1b[2J");
  }
  std::string got = p.read_now();
  EXPECT_EQ(count_of(got, "\n"), 1u) << got;
  EXPECT_NE(got.find("Host 'a\\x0d\\x0a2024-01-01T00:00:00.000 info forged\\x1b[2J' refused\n"), std::string::npos)
      << got;
}

TEST(ServerLog, StalledStandardErrorDropsCountsAndSaysSoWhenWritingResumes) {
  Pipe p(4096);
  std::optional<ServerLog> log;
  log.emplace(p.write_fd, 16 * 1024);
  constexpr int kLines = 2000;  // ~100 KB: more than the pipe and the queue hold
  auto logging = std::async(std::launch::async, [] {
    for (int i = 0; i < kLines; ++i) spdlog::info("message {:05d}", i);
  });
  ASSERT_EQ(logging.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "logging waited for stderr";

  // Reading resumes: every line comes out or is counted by a drop warning; then the queue is empty and a
  // later line goes out too.
  const std::string kMarker = " warning server log: ";
  auto dropped_in = [&](const std::string& g) {
    std::uint64_t n = 0;
    for (auto pos = g.find(kMarker); pos != std::string::npos; pos = g.find(kMarker, pos + 1))
      n += std::stoull(g.substr(pos + kMarker.size()));
    return n;
  };
  std::string got;
  ASSERT_TRUE(p.read_until(got, [&](const std::string& g) {
    return count_of(g, " info message ") + dropped_in(g) >= static_cast<std::size_t>(kLines);
  })) << got;
  spdlog::info("after the stall");
  ASSERT_TRUE(p.read_until(got, [](const std::string& g) { return g.find("after the stall\n") != std::string::npos; }))
      << got;
  log.reset();

  EXPECT_GT(dropped_in(got), 0u);
  EXPECT_EQ(count_of(got, " info message ") + dropped_in(got), static_cast<std::size_t>(kLines)) << got;
  EXPECT_LT(got.rfind(kMarker), got.find("after the stall"));
}

}  // namespace
}  // namespace certgate::logging
