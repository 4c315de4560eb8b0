#pragma once
// The server log (spdlog's default logger) through a LineWriter: the thread that logs formats the line and
// queues it; one thread writes standard error. When standard error stalls, lines are dropped and counted,
// never waited for, and a warning line says how many once writing goes on. docs/operations.md ("Logging").
//
// spdlog 1.10's own async logger was not enough: its overflow policies are `block` (waits, what must not
// happen) and `overrun_oldest` (never waits, but drops silently), and its thread pool's destructor posts a
// terminate message with the blocking policy and joins a thread that may be stuck in fwrite() on the stalled
// stream, so the process could not exit (spdlog/details/thread_pool-inl.h).
#include <chrono>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace certgate::logging {

class LineWriter;

// The server log's line format: "2024-05-01T12:00:00.123 info listening on ..." (local time).
inline constexpr const char* kServerLogPattern = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v";

class ServerLog {
 public:
  static constexpr std::size_t kCapacityBytes = 256 * 1024;
  static constexpr std::chrono::milliseconds kCloseBudget{2000};

  // Makes spdlog's default logger write to `fd` (not owned) through the queue, with the current default
  // logger's name and level; colours as spdlog's console sink would when fd is a colour terminal. Control
  // characters in messages are written as \xHH, so a logged value cannot start a line of its own.
  explicit ServerLog(int fd = 2, std::size_t capacity_bytes = kCapacityBytes);
  // Writes what is queued (at most kCloseBudget), then puts the previous default logger back.
  ~ServerLog();
  ServerLog(const ServerLog&) = delete;
  ServerLog& operator=(const ServerLog&) = delete;

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<LineWriter> writer_;
};

}  // namespace certgate::logging
