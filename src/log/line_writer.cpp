#include "log/line_writer.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string_view>

namespace certgate::logging {
namespace {

using Clock = std::chrono::steady_clock;

// A write of at most PIPE_BUF bytes into a pipe that poll() reported writable does not block (Linux
// pipe_poll reports POLLOUT while a buffer slot is free, and such a write fits one slot); the same size
// is atomic on a pipe, so two processes sharing one (stdout and stderr into one pipe) never tear a short line.
constexpr std::size_t kPieceBytes = PIPE_BUF;
// Regular files cannot be polled (always "ready"): bigger writes, fewer system calls.
constexpr std::size_t kFilePieceBytes = 64 * 1024;
// How often a writer waiting for room looks at the close deadline.
constexpr int kPollSliceMs = 100;
// close() waits this much beyond the budget for the thread to notice the deadline.
constexpr auto kCloseGrace = std::chrono::milliseconds(500);

constexpr std::int64_t kNoDeadline = INT64_MAX;

}  // namespace

struct LineWriter::Core {
  Core(int fd_, bool owned_, LineWriterOptions o) : queue(o.capacity_bytes), fd(fd_), owned(owned_), options(std::move(o)) {
    struct stat st{};
    regular_file = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  }
  ~Core() {
    if (owned) ::close(fd);
  }

  enum class Wrote { ok, failed, out_of_time };

  LineQueue queue;
  int fd;      // replaced by the writer thread only (reopen)
  bool owned;  // a reopened descriptor is always owned
  bool regular_file = false;
  const LineWriterOptions options;

  std::atomic<std::int64_t> deadline{kNoDeadline};  // steady_clock nanoseconds; set by close()
  std::atomic<bool> callbacks_enabled{true};          // off once the thread is left behind
  std::atomic<bool> reopen_requested{false};

  std::mutex done_mutex;
  std::condition_variable done_cv;
  bool done = false;
  std::uint64_t unwritten = 0;  // written by the thread, read after `done`

  // Writer thread only.
  std::uint64_t lost_since_marker = 0;
  bool failing = false;
  bool out_of_time = false;

  void run();
  void write_lines(std::deque<std::string>& lines);
  // Writes `count` lines held in `data`; counts them as failed or unwritten when that does not work.
  void write_counted(std::string_view data, std::uint64_t count);
  Wrote write_all(std::string_view data);
  bool wait_writable();  // false once the deadline passed
  void write_marker();
  void reopen_destination();

  bool past_deadline() const {
    std::int64_t d = deadline.load(std::memory_order_relaxed);
    return d != kNoDeadline && Clock::now().time_since_epoch().count() >= d;
  }
  bool callbacks_on() const { return callbacks_enabled.load(); }
};

void LineWriter::Core::run() {
  std::deque<std::string> batch;
  for (;;) {
    LineQueue::Taken taken = queue.take(batch);
    lost_since_marker += taken.dropped;
    write_lines(batch);
    batch.clear();
    if (lost_since_marker > 0 && !out_of_time && options.drop_marker) write_marker();
    if (reopen_requested.exchange(false)) reopen_destination();
    if (taken.closed) break;  // closed: nothing can have been queued after this take
  }
}

void LineWriter::Core::write_lines(std::deque<std::string>& lines) {
  const std::size_t piece = regular_file ? kFilePieceBytes : kPieceBytes;
  std::string buffer;
  std::uint64_t in_buffer = 0;
  auto flush = [&] {
    if (in_buffer == 0) return;
    write_counted(buffer, in_buffer);
    buffer.clear();
    in_buffer = 0;
  };
  for (std::string& line : lines) {
    if (line.size() > piece) {  // goes out on its own, in pieces
      flush();
      write_counted(line, 1);
      continue;
    }
    if (buffer.size() + line.size() > piece) flush();
    buffer += line;
    ++in_buffer;
  }
  flush();
}

void LineWriter::Core::write_counted(std::string_view data, std::uint64_t count) {
  if (out_of_time) {
    unwritten += count;
    return;
  }
  switch (write_all(data)) {
    case Wrote::ok:
      failing = false;
      break;
    case Wrote::failed:
      lost_since_marker += count;
      break;
    case Wrote::out_of_time:
      out_of_time = true;
      unwritten += count;
      break;
  }
}

bool LineWriter::Core::wait_writable() {
  for (;;) {
    int slice = kPollSliceMs;
    std::int64_t d = deadline.load(std::memory_order_relaxed);
    if (d != kNoDeadline) {
      std::int64_t left_ns = d - Clock::now().time_since_epoch().count();
      if (left_ns <= 0) return false;
      slice = static_cast<int>(std::min<std::int64_t>(slice, left_ns / 1'000'000 + 1));
    }
    pollfd p{fd, POLLOUT, 0};
    int r = ::poll(&p, 1, slice);
    if (r > 0) return true;  // room, or an error/hang-up that write() will report
    if (r < 0 && errno != EINTR) return true;
  }
}

LineWriter::Core::Wrote LineWriter::Core::write_all(std::string_view data) {
  const std::size_t piece = regular_file ? kFilePieceBytes : kPieceBytes;
  while (!data.empty()) {
    if (regular_file ? past_deadline() : !wait_writable()) return Wrote::out_of_time;
    ssize_t n = ::write(fd, data.data(), std::min(data.size(), piece));
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    int err = n < 0 ? errno : EIO;
    if (!failing) {
      failing = true;
      if (options.on_write_error && callbacks_on()) options.on_write_error(err);
    }
    return Wrote::failed;
  }
  return Wrote::ok;
}

void LineWriter::Core::write_marker() {
  std::string marker = options.drop_marker(lost_since_marker);
  Wrote w = write_all(marker);
  if (w == Wrote::out_of_time) out_of_time = true;
  if (w != Wrote::ok) return;  // tried again after the next lines
  failing = false;
  std::uint64_t reported = lost_since_marker;
  lost_since_marker = 0;
  if (options.on_resumed && callbacks_on()) options.on_resumed(reported);
}

void LineWriter::Core::reopen_destination() {
  if (!options.reopen) return;
  int fresh = options.reopen();
  if (fresh < 0) {
    int err = errno;
    if (options.on_reopened && callbacks_on()) options.on_reopened(err);
    return;
  }
  if (owned) ::close(fd);
  fd = fresh;
  owned = true;
  struct stat st{};
  regular_file = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  failing = false;
  if (options.on_reopened && callbacks_on()) options.on_reopened(-1);
}

LineWriter::LineWriter(int fd, bool owned, LineWriterOptions options)
    : close_budget_(options.close_budget) {
  core_ = std::make_shared<Core>(fd, owned, std::move(options));
  thread_ = std::thread([core = core_] {
    try {
      core->run();
    } catch (...) {
      // A marker or callback that threw (out of memory): the lines still queued are lost, the process goes on.
    }
    std::lock_guard lock(core->done_mutex);
    core->unwritten += core->queue.queued_lines();
    core->done = true;
    core->done_cv.notify_all();
  });
}

LineWriter::~LineWriter() { close(close_budget_); }

LineQueue::Push LineWriter::push(std::string line) { return core_->queue.push(std::move(line)); }

void LineWriter::reopen() {
  core_->reopen_requested = true;
  core_->queue.wake();
}

std::uint64_t LineWriter::dropped_total() const { return core_->queue.dropped_total(); }

LineWriter::CloseResult LineWriter::close(std::chrono::milliseconds budget) {
  if (closed_) return *closed_;
  auto deadline = Clock::now() + budget;
  core_->deadline.store(deadline.time_since_epoch().count());
  core_->queue.close();
  CloseResult result;
  std::unique_lock lock(core_->done_mutex);
  if (core_->done_cv.wait_until(lock, deadline + kCloseGrace, [&] { return core_->done; })) {
    result.unwritten = core_->unwritten;
    lock.unlock();
    thread_.join();
  } else {
    lock.unlock();
    core_->callbacks_enabled = false;
    result.abandoned = true;
    result.unwritten = core_->queue.queued_lines();
    thread_.detach();
  }
  closed_ = result;
  return result;
}

}  // namespace certgate::logging
