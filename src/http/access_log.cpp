#include "http/access_log.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "log/line_writer.hpp"

namespace certgate::http_log {
namespace {

using logging::clip;

std::string iso_time(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

// Every value that can carry outside data (client, certificate, configuration) goes through one of these.
std::string text(const std::string& s) { return logging::text_field(clip(s, AccessLog::kMaxValueBytes)); }
std::string json(const std::string& s) {
  return "\"" + logging::json_escape(clip(s, AccessLog::kMaxValueBytes)) + "\"";
}

// Opens the log file for appending. Our own FIFO descriptor is made non-blocking (nobody else shares its
// flags); the writer waits for room with poll() either way.
// -1 with errno set when it cannot be opened.
int try_open_log(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return -1;
  struct stat st{};
  if (::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

int open_log(const std::string& path) {
  int fd = try_open_log(path);
  if (fd < 0) throw std::runtime_error(path + ": cannot open access log: " + std::strerror(errno));
  return fd;
}

}  // namespace

AccessLog::AccessLog(const std::string& path, config::LogFormat format) : format_(format) {
  if (path.empty()) return;
  bool to_stdout = path == "-";
  int fd = to_stdout ? STDOUT_FILENO : open_log(path);
  logging::LineWriterOptions options;
  options.capacity_bytes = kQueueBytes;
  options.close_budget = kCloseBudget;
  options.drop_marker = [format](std::uint64_t dropped) {
    return format_drop_marker(format, std::chrono::system_clock::now(), dropped) + "\n";
  };
  options.on_resumed = [](std::uint64_t dropped) {
    spdlog::warn("access log: {} line(s) dropped while the log was not being read; an \"event\":\"lines_dropped\" "
                 "line stands in their place",
                 dropped);
  };
  options.on_write_error = [](int err) {
    spdlog::warn("access log: write failed: {}; lines are dropped until a write succeeds", std::strerror(err));
  };
  if (!to_stdout) {
    options.reopen = [path] { return try_open_log(path); };
    options.on_reopened = [path](int err) {
      if (err < 0) spdlog::info("access log: reopened {}", path);
      else spdlog::error("access log: cannot reopen {}: {}; still writing to the file open before", path, std::strerror(err));
    };
  }
  try {
    writer_ = std::make_unique<logging::LineWriter>(fd, !to_stdout, std::move(options));
  } catch (...) {
    if (!to_stdout) ::close(fd);
    throw;
  }
}

AccessLog::~AccessLog() {
  if (!writer_) return;
  auto result = writer_->close(kCloseBudget);
  if (result.unwritten > 0 || result.abandoned)
    spdlog::warn("access log: {} queued line(s) not written at shutdown: the log was not being read{}", result.unwritten,
                 result.abandoned ? " (the writer is stuck in a write)" : "");
}

void AccessLog::reopen() {
  if (writer_) writer_->reopen();
}

std::string AccessLog::format_text(const AccessRecord& r) {
  std::string status = std::to_string(r.status);
  if (r.substatus) status += "." + std::to_string(r.substatus);
  std::string up = r.upstream_status ? std::to_string(r.upstream_status) : "-";
  char ms[32] = "-";
  if (r.upstream_ms >= 0) std::snprintf(ms, sizeof ms, "%.1f", r.upstream_ms);
  // The request is one quoted field of two values: spaces inside them are escaped, the one between stays.
  std::string request = "\"" + logging::text_escape_unquoted(clip(r.method, kMaxValueBytes)) + " " +
                        logging::text_escape_unquoted(clip(r.path, kMaxValueBytes)) + "\"";
  return iso_time(r.time) + " " + text(r.client) + " sni=" + text(r.sni) + " host=" + text(r.host) + " " + request +
         " " + status + " identity=" + text(r.identity) + " mapping=" + text(r.mapping) + " verify=" + text(r.verify) +
         " fp=" + text(r.fingerprint) + " upstream=" + up + " upstream_ms=" + ms + " upstream_addr=" + text(r.upstream_addr) +
         " bytes=" + std::to_string(r.bytes_sent) + (r.resumed ? " resumed" : "") +
         (r.chain_cached ? " chain_cached" : "") + " proto=" + text(std::string(r.proto)) +
         (r.proto == "h2" ? " stream=" + std::to_string(r.stream_id) : std::string()) +
         (r.would_refuse.empty() ? std::string() : " would_refuse=" + text(r.would_refuse)) +
         " request_id=" + text(r.request_id) + " reason=" + text(r.reason);
}

std::string AccessLog::format_json(const AccessRecord& r) {
  char num[64];
  std::string s = "{\"time\":\"" + iso_time(r.time) + "\",\"client\":" + json(r.client) + ",\"sni\":" + json(r.sni) +
                  ",\"host\":" + json(r.host) + ",\"method\":" + json(r.method) + ",\"path\":" + json(r.path) +
                  ",\"status\":" + std::to_string(r.status) + ",\"substatus\":" + std::to_string(r.substatus) +
                  ",\"identity\":" + json(r.identity) + ",\"mapping\":" + json(r.mapping) +
                  ",\"verify\":" + json(r.verify) + ",\"reason\":" + json(r.reason) +
                  ",\"would_refuse\":" + (r.would_refuse.empty() ? std::string("null") : json(r.would_refuse)) +
                  ",\"fingerprint\":" + json(r.fingerprint) + ",\"upstream_status\":" + std::to_string(r.upstream_status);
  if (r.upstream_ms >= 0) std::snprintf(num, sizeof num, "%.3f", r.upstream_ms);
  else std::snprintf(num, sizeof num, "null");
  s += ",\"upstream_ms\":" + std::string(num) + ",\"upstream_addr\":" + json(r.upstream_addr) + ",\"bytes_sent\":" + std::to_string(r.bytes_sent) +
       ",\"resumed\":" + (r.resumed ? "true" : "false") +
       ",\"chain_cached\":" + (r.chain_cached ? "true" : "false") + ",\"proto\":" + json(std::string(r.proto));
  if (r.proto == "h2") s += ",\"stream\":" + std::to_string(r.stream_id);
  s += ",\"request_id\":" + json(r.request_id) + "}";
  return s;
}

std::string AccessLog::format_drop_marker(config::LogFormat format, std::chrono::system_clock::time_point time,
                                          std::uint64_t dropped) {
  if (format == config::LogFormat::json)
    return "{\"time\":\"" + iso_time(time) + "\",\"event\":\"lines_dropped\",\"dropped\":" + std::to_string(dropped) +
           "}";
  return iso_time(time) + " event=lines_dropped dropped=" + std::to_string(dropped);
}

void AccessLog::write(const AccessRecord& r) {
  if (!writer_) return;
  std::string line = format_ == config::LogFormat::json ? format_json(r) : format_text(r);
  line.push_back('\n');
  if (writer_->push(std::move(line)) == logging::LineQueue::Push::dropped_first)
    spdlog::warn("access log: queue full ({} MiB waiting to be written): dropping lines until the log is read again",
                 kQueueBytes >> 20);
}

}  // namespace certgate::http_log
