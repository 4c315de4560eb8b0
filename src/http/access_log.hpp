#pragma once
// One line per request (text or JSON lines): who came, what was decided and why, what the upstream did.
// write() formats on the calling worker thread and queues the line; a thread of its own writes the log, so
// a log nobody reads never holds up a worker (see logging::LineWriter and docs/operations.md, "Logging").
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/gateway_config.hpp"
#include "log/escape.hpp"

namespace certgate::logging {
class LineWriter;
}

namespace certgate::http_log {

struct AccessRecord {
  std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
  std::string client;       // "127.0.0.1:53412"
  std::string sni;
  std::string host;
  std::string method = "-";
  std::string path = "-";
  int status = 0;
  int substatus = 0;
  std::string identity;
  std::string mapping;
  std::string verify;       // SUCCESS, NONE, FAILED:reason
  std::string reason;       // why (rejections, upstream errors)
  std::string would_refuse;  // report-only: the status text the decision would have sent ("403.16"); empty = none
  std::string fingerprint;  // client certificate SHA-256
  std::string request_id;   // taken from the verified edge or generated (http/request_id.hpp); "-" when empty
  int upstream_status = 0;  // 0 = no upstream response
  double upstream_ms = -1;  // -1 = upstream not contacted
  std::string upstream_addr;  // the upstream server tried last, "host:port"; "-" when none
  std::uint64_t bytes_sent = 0;
  bool resumed = false;
  bool chain_cached = false;  // the full handshake's chain verification and decision came from the chain cache
  std::string_view proto = "h1";  // "h1" (HTTP/1.x) or "h2"
  std::uint32_t stream_id = 0;    // HTTP/2 stream; 0 for HTTP/1.x
};

class AccessLog {
 public:
  // Lines waiting to be written, at most (beyond that they are dropped and counted).
  static constexpr std::size_t kQueueBytes = 8u << 20;
  // A value longer than this is cut (and says so), so one record always fits the queue and a huge request
  // head cannot keep its own line out of the log.
  static constexpr std::size_t kMaxValueBytes = 64u << 10;
  // At shutdown, how long what is queued may take to be written.
  static constexpr std::chrono::milliseconds kCloseBudget{3000};

  // path "-" = stdout, "" = off. Throws std::runtime_error naming the file when it cannot be opened.
  AccessLog(const std::string& path, config::LogFormat format);
  // Writes what is queued, for at most kCloseBudget; warns about lines that could not be written.
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Never waits for the log's reader: when the queue is full the line is dropped and counted.
  void write(const AccessRecord& r);
  bool enabled() const { return writer_ != nullptr; }
  // SIGUSR1: the writer thread opens the file again by its path (after logrotate renamed it) once the lines it
  // holds are written; if that fails it says so and keeps writing to the old file. No-op for stdout or off.
  void reopen();

  static std::string format_text(const AccessRecord& r);
  static std::string format_json(const AccessRecord& r);
  // The line that stands where `dropped` lines are missing: {"time":...,"event":"lines_dropped","dropped":N}
  // or "TIME event=lines_dropped dropped=N".
  static std::string format_drop_marker(config::LogFormat format, std::chrono::system_clock::time_point time,
                                        std::uint64_t dropped);

 private:
  config::LogFormat format_;
  std::unique_ptr<logging::LineWriter> writer_;
};

using logging::json_escape;

}  // namespace certgate::http_log
