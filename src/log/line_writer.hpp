#pragma once
// The thread that writes queued log lines to a file descriptor, so that the threads that log (the workers'
// event loops) never wait for whoever reads the log. A stalled reader (full pipe, stuck log shipper, slow
// disk) makes lines queue up to the capacity and then be dropped and counted, never waited for; when writing
// goes on, a marker line stands where lines are missing. docs/operations.md ("Logging") describes it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "log/line_queue.hpp"

namespace certgate::logging {

struct LineWriterOptions {
  std::size_t capacity_bytes = 8u << 20;
  // How long the destructor keeps writing what is queued before it gives up on the rest.
  std::chrono::milliseconds close_budget{3000};
  // The line (ending in '\n') written where `dropped` lines are missing; no marker when empty.
  std::function<std::string(std::uint64_t dropped)> drop_marker;
  // On the writer thread, after the marker for `dropped` lines was written (writing works again).
  std::function<void(std::uint64_t dropped)> on_resumed;
  // On the writer thread, when a write fails (errno); once, until a write succeeds again.
  std::function<void(int error)> on_write_error;
  // On the writer thread, for reopen(): opens the destination again and returns the new descriptor (owned by
  // the writer from then on), or -1 with errno set, in which case lines keep going to the current one.
  std::function<int()> reopen;
  // On the writer thread, after a reopen: -1 on success, else the errno of the failed open.
  std::function<void(int error)> on_reopened;
};

class LineWriter {
 public:
  // Starts the writer thread. fd: where lines go (a file, pipe, FIFO, socket, terminal); owned: closed when
  // the writer ends. Except to a regular file, writes go out in pieces of at most PIPE_BUF bytes, each only
  // after poll() reports room, so on a pipe the thread is not stuck inside write() and close() keeps its
  // time bound.
  LineWriter(int fd, bool owned, LineWriterOptions options);
  ~LineWriter();  // close(options.close_budget)
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // Queues one line (ending in '\n'). Never waits; see LineQueue::push.
  LineQueue::Push push(std::string line);

  // Asks the writer thread to switch to a newly opened destination (options.reopen) once the lines it has
  // taken are written: lines queued before are in the old file or the new one, never lost, never split.
  // Never waits; a no-op without options.reopen. Safe from any thread (not from a signal handler).
  void reopen();

  struct CloseResult {
    std::uint64_t unwritten = 0;  // queued lines not written because the budget ran out
    bool abandoned = false;       // the thread did not finish within the budget and was left to the process exit
  };
  // Refuses further lines, writes what is queued for at most `budget`, then drops the rest and ends the thread.
  // Should the thread be stuck inside one write() (a file on a hung disk), it is detached after the budget:
  // close() never waits longer than the budget and a fraction of a second. The first call decides; later
  // calls return its result.
  CloseResult close(std::chrono::milliseconds budget);

  std::uint64_t dropped_total() const;  // lines the queue refused (full or closed)

 private:
  struct Core;
  std::shared_ptr<Core> core_;  // shared with the thread, so a detached thread never outlives what it uses
  std::thread thread_;
  std::optional<CloseResult> closed_;
  std::chrono::milliseconds close_budget_;
};

}  // namespace certgate::logging
