#pragma once
// A bounded queue of log lines: many producers (the worker threads) push, one writer thread takes them in
// order. Pushing never waits for the writer: a line that does not fit is dropped and counted.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace certgate::logging {

class LineQueue {
 public:
  // Memory a queued line costs besides its bytes (bookkeeping), so that many tiny lines are bounded too.
  static constexpr std::size_t kLineOverhead = 64;

  explicit LineQueue(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}
  LineQueue(const LineQueue&) = delete;
  LineQueue& operator=(const LineQueue&) = delete;

  enum class Push {
    queued,
    dropped_first,  // dropped, and the first line dropped since the writer last took lines
    dropped,
  };
  // Never waits for the writer; the lock is held only to append. A line that does not fit in what is left of
  // the capacity, or that comes after close(), is dropped and counted.
  Push push(std::string line);

  struct Taken {
    std::uint64_t dropped = 0;  // lines dropped since the previous take
    bool closed = false;        // close() was called and nothing is left after this take
  };
  // Waits until a line is queued or the queue is closed, then moves every queued line, oldest first, into
  // `out` (which must be empty). The dropped count is read in the same step: the lines it counts were pushed
  // after every line of the previous take and before any line of a later one, so a marker written after the
  // lines taken now stands where they are missing.
  Taken take(std::deque<std::string>& out);
  // take() also returns (with nothing taken) after wake(): the writer has something else to do (reopen its file).
  // take() without waiting.
  Taken try_take(std::deque<std::string>& out);

  // Makes the writer's take() return even when no line is queued.
  void wake();

  // Refuses further lines (counted as dropped) and wakes the writer. Queued lines can still be taken.
  void close();

  std::size_t queued_lines() const;
  std::uint64_t dropped_total() const;

 private:
  Taken take_locked(std::deque<std::string>& out);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> lines_;
  std::size_t bytes_ = 0;
  std::uint64_t dropped_since_take_ = 0;
  std::uint64_t dropped_total_ = 0;
  bool closed_ = false;
  bool woken_ = false;
};

}  // namespace certgate::logging
