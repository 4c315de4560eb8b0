#include "log/line_queue.hpp"

#include <algorithm>

namespace certgate::logging {

LineQueue::Push LineQueue::push(std::string line) {
  const std::size_t cost = line.size() + kLineOverhead;
  bool wake;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || cost > capacity_ - std::min(bytes_, capacity_)) {
      ++dropped_total_;
      return dropped_since_take_++ == 0 ? Push::dropped_first : Push::dropped;
    }
    wake = lines_.empty();  // the writer sleeps only on an empty queue
    lines_.push_back(std::move(line));
    bytes_ += cost;
  }
  if (wake) ready_.notify_one();
  return Push::queued;
}

LineQueue::Taken LineQueue::take_locked(std::deque<std::string>& out) {
  Taken t;
  out.swap(lines_);  // O(1): the lock is not held for a copy
  bytes_ = 0;
  t.dropped = dropped_since_take_;
  dropped_since_take_ = 0;
  t.closed = closed_;
  woken_ = false;
  return t;
}

LineQueue::Taken LineQueue::take(std::deque<std::string>& out) {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [&] { return !lines_.empty() || closed_ || woken_; });
  return take_locked(out);
}

LineQueue::Taken LineQueue::try_take(std::deque<std::string>& out) {
  std::lock_guard lock(mutex_);
  return take_locked(out);
}

void LineQueue::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  ready_.notify_all();
}

void LineQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::size_t LineQueue::queued_lines() const {
  std::lock_guard lock(mutex_);
  return lines_.size();
}

std::uint64_t LineQueue::dropped_total() const {
  std::lock_guard lock(mutex_);
  return dropped_total_;
}

}  // namespace certgate::logging
