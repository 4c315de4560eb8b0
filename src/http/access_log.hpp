#pragma once
// One line per request (text or JSON lines): who came, what was decided and why, what the upstream did.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "config/gateway_config.hpp"

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
  std::string fingerprint;  // client certificate SHA-256
  int upstream_status = 0;  // 0 = no upstream response
  double upstream_ms = -1;  // -1 = upstream not contacted
  std::uint64_t bytes_sent = 0;
  bool resumed = false;
};

class AccessLog {
 public:
  // path "-" = stdout, "" = off. Throws std::runtime_error naming the file when it cannot be opened.
  AccessLog(const std::string& path, config::LogFormat format);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void write(const AccessRecord& r);
  bool enabled() const { return file_ != nullptr; }

  static std::string format_text(const AccessRecord& r);
  static std::string format_json(const AccessRecord& r);

 private:
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  config::LogFormat format_;
  std::mutex mutex_;
};

std::string json_escape(std::string_view s);

}  // namespace certgate::http_log
