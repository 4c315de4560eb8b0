#include "log/line_writer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <vector>

#include "pipe_test_support.hpp"

namespace certgate::logging {
namespace {

using namespace std::chrono_literals;
using test_pipe::count_of;
using test_pipe::Pipe;

constexpr auto kBound = std::chrono::seconds(30);  // only there so that a regression fails instead of hanging

std::string numbered(int i, std::size_t pad = 80) {
  char head[32];
  std::snprintf(head, sizeof head, "line %05d ", i);
  return head + std::string(pad, 'x') + "\n";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l + "\n");
  return out;
}

LineWriterOptions marking_options(std::size_t capacity) {
  LineWriterOptions o;
  o.capacity_bytes = capacity;
  o.drop_marker = [](std::uint64_t n) { return "dropped " + std::to_string(n) + "\n"; };
  return o;
}

TEST(LineWriter, WritesLinesPromptlyAndInOrder) {
  Pipe p(65536);
  LineWriter w(p.write_fd, false, marking_options(1 << 20));
  w.push("a\n");
  w.push("b\n");
  w.push("c\n");
  std::string got;
  EXPECT_TRUE(p.read_until(got, [](const std::string& g) { return g.size() >= 6; })) << got;
  EXPECT_EQ(got, "a\nb\nc\n");
}

TEST(LineWriter, CloseWritesWhatIsQueued) {
  Pipe p(4096);
  int fd = p.write_fd;
  p.write_fd = -1;  // the writer owns it now
  auto w = std::make_unique<LineWriter>(fd, true, marking_options(1 << 20));
  constexpr int kLines = 300;  // ~27 KB: far more than the pipe holds, so most wait in the queue
  for (int i = 0; i < kLines; ++i) ASSERT_EQ(w->push(numbered(i)), LineQueue::Push::queued);
  auto reader = std::async(std::launch::async, [&] {
    std::string got;
    p.read_until(got, [](const std::string& g) { return count_of(g, "\n") >= kLines; }, kBound);
    return got;
  });
  auto result = w->close(std::chrono::duration_cast<std::chrono::milliseconds>(kBound));
  EXPECT_EQ(result.unwritten, 0u);
  EXPECT_FALSE(result.abandoned);
  w.reset();
  ASSERT_EQ(reader.wait_for(kBound), std::future_status::ready);
  auto lines = lines_of(reader.get());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kLines));
  for (int i = 0; i < kLines; ++i) EXPECT_EQ(lines[i], numbered(i));
}

TEST(LineWriter, FullQueueDropsCountsAndMarksWhereLinesAreMissing) {
  Pipe p(4096);
  auto options = marking_options(10 * (numbered(0).size() + LineQueue::kLineOverhead));
  std::atomic<std::uint64_t> resumed{0};
  options.on_resumed = [&](std::uint64_t n) { resumed += n; };
  LineWriter w(p.write_fd, false, std::move(options));

  // Nobody reads: the pipe fills, then the queue, then lines are dropped. No push waits.
  constexpr int kLines = 200;
  auto pushing = std::async(std::launch::async, [&] {
    int dropped = 0;
    for (int i = 0; i < kLines; ++i) dropped += w.push(numbered(i)) != LineQueue::Push::queued;
    return dropped;
  });
  ASSERT_EQ(pushing.wait_for(kBound), std::future_status::ready) << "push waited for the writer";
  int dropped = pushing.get();
  ASSERT_GT(dropped, 0);

  // Reading resumes: what was queued comes out, with markers where lines are missing, then what comes later.
  auto marked = [](const std::string& g) {
    std::uint64_t n = 0;
    for (const auto& l : lines_of(g))
      if (l.rfind("dropped ", 0) == 0) n += std::stoull(l.substr(8));
    return n;
  };
  std::string got;
  ASSERT_TRUE(p.read_until(got, [&](const std::string& g) { return marked(g) >= static_cast<std::uint64_t>(dropped); }))
      << got;
  w.push("after\n");
  ASSERT_TRUE(p.read_until(got, [](const std::string& g) { return g.find("after\n") != std::string::npos; })) << got;

  auto lines = lines_of(got);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "after\n");
  lines.pop_back();
  // Every line pushed is there, whole and in order, or counted by the marker that stands where it is missing
  // (lines of one size: once the queue is full it stays full until the writer takes, so the lines a marker
  // counts come right after the lines before it).
  int next = 0;
  for (const auto& l : lines) {
    if (l.rfind("dropped ", 0) == 0) {
      next += std::stoi(l.substr(8));
      continue;
    }
    ASSERT_EQ(l, numbered(next)) << got;
    ++next;
  }
  EXPECT_EQ(next, kLines);
  EXPECT_EQ(marked(got), static_cast<std::uint64_t>(dropped));
  EXPECT_EQ(resumed.load(), static_cast<std::uint64_t>(dropped));
  EXPECT_EQ(w.dropped_total(), static_cast<std::uint64_t>(dropped));
}

TEST(LineWriter, CloseIsBoundedWhenNobodyReads) {
  Pipe p(4096);
  LineWriter w(p.write_fd, false, marking_options(1 << 20));
  constexpr int kLines = 100;
  for (int i = 0; i < kLines; ++i) w.push(numbered(i, 1000));
  auto closing = std::async(std::launch::async, [&] { return w.close(200ms); });
  ASSERT_EQ(closing.wait_for(kBound), std::future_status::ready) << "close() waited for a reader";
  auto result = closing.get();
  EXPECT_FALSE(result.abandoned);  // poll() before each write: the thread was never stuck in write()
  EXPECT_GT(result.unwritten, 0u);
  // Every line is either in the pipe, whole, or counted as not written.
  auto lines = lines_of(p.read_now());
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i], numbered(static_cast<int>(i), 1000));
  EXPECT_EQ(lines.size() + result.unwritten, static_cast<std::size_t>(kLines));
  // Closing again changes nothing.
  EXPECT_EQ(w.close(200ms).unwritten, result.unwritten);
}

TEST(LineWriter, LinesAfterCloseAreDropped) {
  Pipe p(65536);
  LineWriter w(p.write_fd, false, marking_options(1 << 20));
  w.close(1s);
  EXPECT_NE(w.push("late\n"), LineQueue::Push::queued);
  EXPECT_EQ(w.dropped_total(), 1u);
}

TEST(LineWriter, WriteErrorIsReportedOnceUntilWritesWorkAgain) {
  Pipe p(65536);
  p.close_read();  // every write fails with EPIPE
  auto options = marking_options(1 << 20);
  std::atomic<int> calls{0}, error{0};
  options.on_write_error = [&](int e) {
    ++calls;
    error = e;
  };
  LineWriter w(p.write_fd, false, std::move(options));
  for (int i = 0; i < 50; ++i) w.push(numbered(i, 5000));  // one write each: several failures
  auto result = w.close(5s);
  EXPECT_EQ(result.unwritten, 0u);  // failed, not left over
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(error.load(), EPIPE);
}

TEST(LineWriter, RegularFileGetsEveryLine) {
  auto path = std::filesystem::temp_directory_path() / ("certgate-line-writer-" + std::to_string(::getpid()));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  {
    LineWriter w(fd, true, marking_options(64 << 20));
    for (int i = 0; i < 20000; ++i) ASSERT_EQ(w.push(numbered(i)), LineQueue::Push::queued);
  }  // the destructor writes the rest
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove(path);
  auto lines = lines_of(text.str());
  ASSERT_EQ(lines.size(), 20000u);
  for (int i = 0; i < 20000; ++i) ASSERT_EQ(lines[i], numbered(i));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int open_append(const std::filesystem::path& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

// What logrotate does: rename the file, then ask for a reopen. Lines from before the reopen are in one file or the
// other, in order, none lost or split; every line pushed after the reopen took effect is in the new file.
TEST(LineWriter, ReopenAfterRenameMovesLaterLinesToTheNewFile) {
  auto dir = std::filesystem::temp_directory_path() / ("certgate-reopen-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "access.log", rotated = dir / "access.log.1";
  int fd = open_append(path);
  ASSERT_GE(fd, 0);
  auto options = marking_options(64 << 20);
  std::promise<int> reopened;
  options.reopen = [path] { return open_append(path); };
  options.on_reopened = [&](int err) { reopened.set_value(err); };
  {
    LineWriter w(fd, true, std::move(options));
    for (int i = 0; i < 5000; ++i) ASSERT_EQ(w.push(numbered(i)), LineQueue::Push::queued);
    std::filesystem::rename(path, rotated);
    w.reopen();
    auto done = reopened.get_future();
    ASSERT_EQ(done.wait_for(kBound), std::future_status::ready);
    EXPECT_EQ(done.get(), -1);
    for (int i = 5000; i < 8000; ++i) ASSERT_EQ(w.push(numbered(i)), LineQueue::Push::queued);
  }
  auto old_lines = lines_of(read_file(rotated));
  auto new_lines = lines_of(read_file(path));
  std::filesystem::remove_all(dir);
  ASSERT_EQ(old_lines.size() + new_lines.size(), 8000u);
  EXPECT_GE(new_lines.size(), 3000u);  // at least every line pushed after the reopen
  old_lines.insert(old_lines.end(), new_lines.begin(), new_lines.end());
  for (int i = 0; i < 8000; ++i) ASSERT_EQ(old_lines[i], numbered(i));
}

TEST(LineWriter, FailedReopenKeepsWritingToTheOldFile) {
  auto path = std::filesystem::temp_directory_path() / ("certgate-reopen-fail-" + std::to_string(::getpid()));
  int fd = open_append(path);
  ASSERT_GE(fd, 0);
  auto options = marking_options(1 << 20);
  std::promise<int> reopened;
  options.reopen = [] {
    errno = EACCES;
    return -1;
  };
  options.on_reopened = [&](int err) { reopened.set_value(err); };
  {
    LineWriter w(fd, true, std::move(options));
    w.push("before\n");
    w.reopen();
    auto done = reopened.get_future();
    ASSERT_EQ(done.wait_for(kBound), std::future_status::ready);
    EXPECT_EQ(done.get(), EACCES);
    w.push("after\n");
  }
  EXPECT_EQ(read_file(path), "before\nafter\n");
  std::filesystem::remove(path);
}

TEST(LineWriter, ReopenWithNothingQueuedHappensAtOnce) {
  auto path = std::filesystem::temp_directory_path() / ("certgate-reopen-idle-" + std::to_string(::getpid()));
  int fd = open_append(path);
  ASSERT_GE(fd, 0);
  auto options = marking_options(1 << 20);
  std::atomic<int> opened{0};
  std::promise<int> reopened;
  options.reopen = [&] {
    ++opened;
    return open_append(path);
  };
  options.on_reopened = [&](int err) { reopened.set_value(err); };
  LineWriter w(fd, true, std::move(options));
  w.reopen();  // the writer is asleep on an empty queue: the reopen must wake it
  auto done = reopened.get_future();
  ASSERT_EQ(done.wait_for(kBound), std::future_status::ready);
  EXPECT_EQ(done.get(), -1);
  EXPECT_EQ(opened.load(), 1);
  w.close(5s);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace certgate::logging
