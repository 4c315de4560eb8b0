#include "http/access_log.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace certgate::http_log {
namespace {

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

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

// Text values: quoted when they contain a space or a quote, so a line splits unambiguously.
std::string text_value(const std::string& s) {
  if (s.empty()) return "-";
  if (s.find_first_of(" \"\t") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

AccessLog::AccessLog(const std::string& path, config::LogFormat format) : format_(format) {
  if (path.empty()) return;
  if (path == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(path.c_str(), "a");
  if (file_ == nullptr) throw std::runtime_error(path + ": cannot open access log: " + std::strerror(errno));
  owned_ = true;
}

AccessLog::~AccessLog() {
  if (owned_ && file_) std::fclose(file_);
}

std::string AccessLog::format_text(const AccessRecord& r) {
  std::string status = std::to_string(r.status);
  if (r.substatus) status += "." + std::to_string(r.substatus);
  std::string up = r.upstream_status ? std::to_string(r.upstream_status) : "-";
  char ms[32] = "-";
  if (r.upstream_ms >= 0) std::snprintf(ms, sizeof ms, "%.1f", r.upstream_ms);
  return iso_time(r.time) + " " + r.client + " sni=" + or_dash(r.sni) + " host=" + text_value(r.host) + " \"" +
         r.method + " " + r.path + "\" " + status + " identity=" + text_value(r.identity) +
         " mapping=" + text_value(r.mapping) + " verify=" + text_value(r.verify) + " fp=" + or_dash(r.fingerprint) +
         " upstream=" + up + " upstream_ms=" + ms + " bytes=" + std::to_string(r.bytes_sent) +
         (r.resumed ? " resumed" : "") + " reason=" + text_value(r.reason);
}

std::string AccessLog::format_json(const AccessRecord& r) {
  char num[64];
  std::string s = "{\"time\":\"" + iso_time(r.time) + "\",\"client\":\"" + json_escape(r.client) + "\",\"sni\":\"" +
                  json_escape(r.sni) + "\",\"host\":\"" + json_escape(r.host) + "\",\"method\":\"" +
                  json_escape(r.method) + "\",\"path\":\"" + json_escape(r.path) + "\",\"status\":" +
                  std::to_string(r.status) + ",\"substatus\":" + std::to_string(r.substatus) + ",\"identity\":\"" +
                  json_escape(r.identity) + "\",\"mapping\":\"" + json_escape(r.mapping) + "\",\"verify\":\"" +
                  json_escape(r.verify) + "\",\"reason\":\"" + json_escape(r.reason) + "\",\"fingerprint\":\"" +
                  json_escape(r.fingerprint) + "\",\"upstream_status\":" + std::to_string(r.upstream_status);
  if (r.upstream_ms >= 0) std::snprintf(num, sizeof num, "%.3f", r.upstream_ms);
  else std::snprintf(num, sizeof num, "null");
  s += ",\"upstream_ms\":" + std::string(num) + ",\"bytes_sent\":" + std::to_string(r.bytes_sent) +
       ",\"resumed\":" + (r.resumed ? "true" : "false") + "}";
  return s;
}

void AccessLog::write(const AccessRecord& r) {
  if (file_ == nullptr) return;
  std::string line = format_ == config::LogFormat::json ? format_json(r) : format_text(r);
  line.push_back('\n');
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

}  // namespace certgate::http_log
