#pragma once
// Reads an access log line back (either format of http/access_log.cpp, docs/operations.md "Logging"): the
// exact inverse of its escaping, so a value comes back as the bytes that were logged (text lines), or as the
// JSON string's characters (JSON lines: a byte that was not UTF-8 was logged as \u00XX and comes back as
// that Latin-1 character). A line that is not such a line is an error saying why, never a guess.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certgate::logging {

struct AccessLogLine {
  enum class Kind { request, lines_dropped };
  Kind kind = Kind::request;
  std::int64_t time_ms = 0;  // unix milliseconds
  std::string time;          // as written: "2024-05-01T12:00:00.123Z"
  std::uint64_t dropped = 0;  // lines_dropped: how many lines are missing here

  std::string client;     // "203.0.113.7:53412", "[::1]:443"
  std::string client_ip;  // "203.0.113.7", "::1"; empty when client is not ADDRESS:PORT
  std::string sni;
  std::string host;
  std::string method;
  std::string path;
  int status = 0;
  int substatus = 0;
  std::string identity;
  std::string mapping;
  std::string verify;
  std::string fingerprint;   // empty = no client certificate
  std::string would_refuse;  // report-only: "403.16" when the decision would have refused; empty = none
  std::string reason;
  std::string proto;
};

struct AccessLogRead {
  std::optional<AccessLogLine> line;
  std::string error;  // why the text is not an access log line (when line is empty)
};

AccessLogRead read_access_log_line(std::string_view text);

// "2024-05-01T12:00:00.123Z" (the log's form, exactly) -> unix milliseconds.
std::optional<std::int64_t> parse_log_time(std::string_view text);

// The inverse of text_field (log/escape.hpp): "-" -> "", quoted or not, \" \\ \xHH. nullopt (and *why)
// when the field is not one text_field writes.
std::optional<std::string> unescape_text_field(std::string_view field, std::string* why);

// The address part of "203.0.113.7:53412" or "[2001:db8::1]:443"; empty when it is not that form.
std::string ip_of_endpoint(std::string_view endpoint);

// "403.16", or "200" when there is no substatus: as in the status field of a text line.
std::string status_text(int status, int substatus);

}  // namespace certgate::logging
