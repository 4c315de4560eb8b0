#include "log/server_log.hpp"

#include <unistd.h>
#include <spdlog/details/os.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <string_view>

#include "log/escape.hpp"
#include "log/line_writer.hpp"

namespace certgate::logging {
namespace {

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// The colours of spdlog's ansicolor_sink, per level.
std::string_view level_colour(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace: return "\033[37m";
    case spdlog::level::debug: return "\033[36m";
    case spdlog::level::info: return "\033[32m";
    case spdlog::level::warn: return "\033[33m\033[1m";
    case spdlog::level::err: return "\033[31m\033[1m";
    case spdlog::level::critical: return "\033[1m\033[41m";
    default: return "";
  }
}

// Formats on the logging thread (under the sink's mutex: formatting and queueing, no I/O) and queues.
class QueueSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  QueueSink(std::shared_ptr<LineWriter> writer, bool colour) : writer_(std::move(writer)), colour_(colour) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::details::log_msg safe = msg;
    std::string escaped;
    if (has_control(std::string_view(msg.payload.data(), msg.payload.size()))) {
      escaped = control_escape(std::string_view(msg.payload.data(), msg.payload.size()));
      safe.payload = escaped;
    }
    spdlog::memory_buf_t formatted;
    formatter_->format(safe, formatted);
    std::string line;
    if (colour_ && safe.color_range_end > safe.color_range_start && safe.color_range_end <= formatted.size()) {
      line.append(formatted.data(), safe.color_range_start);
      line += level_colour(safe.level);
      line.append(formatted.data() + safe.color_range_start, safe.color_range_end - safe.color_range_start);
      line += "\033[m";
      line.append(formatted.data() + safe.color_range_end, formatted.size() - safe.color_range_end);
    } else {
      line.assign(formatted.data(), formatted.size());
    }
    writer_->push(std::move(line));
  }
  void flush_() override {}  // lines are written as soon as the writer gets to them

 private:
  std::shared_ptr<LineWriter> writer_;
  bool colour_;
};

}  // namespace

ServerLog::ServerLog(int fd, std::size_t capacity_bytes) : previous_(spdlog::default_logger()) {
  std::string name = previous_ ? previous_->name() : "certgate";
  // The marker is formatted on the writer thread with a formatter of its own.
  auto marker_formatter = std::make_shared<spdlog::pattern_formatter>(kServerLogPattern);
  LineWriterOptions options;
  options.capacity_bytes = capacity_bytes;
  options.close_budget = kCloseBudget;
  options.drop_marker = [marker_formatter, name](std::uint64_t dropped) {
    std::string text = "server log: " + std::to_string(dropped) +
                       " line(s) dropped: standard error was not being read fast enough";
    spdlog::details::log_msg msg(name, spdlog::level::warn, text);
    spdlog::memory_buf_t formatted;
    marker_formatter->format(msg, formatted);
    return std::string(formatted.data(), formatted.size());
  };
  writer_ = std::make_shared<LineWriter>(fd, false, std::move(options));

  FILE* stream = fd == STDERR_FILENO ? stderr : fd == STDOUT_FILENO ? stdout : nullptr;
  bool colour = stream != nullptr && spdlog::details::os::in_terminal(stream) && spdlog::details::os::is_color_terminal();
  auto sink = std::make_shared<QueueSink>(writer_, colour);
  sink->set_pattern(kServerLogPattern);
  auto logger = std::make_shared<spdlog::logger>(name, std::move(sink));
  logger->set_level(previous_ ? previous_->level() : spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

ServerLog::~ServerLog() {
  // Closed first: nothing is logged between the close and the switch back (all other threads have ended).
  writer_->close(kCloseBudget);
  spdlog::set_default_logger(previous_);
}

}  // namespace certgate::logging
