#include "log/access_log_reader.hpp"

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "log/ip_range.hpp"

namespace certgate::logging {
namespace {

using Json = nlohmann::json;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The escapes of log/escape.cpp's append_text_escaped: \" \\ \xHH; bytes 0x21..0x7E as they are, and spaces
// where spaces_allowed (inside a quoted field).
std::optional<std::string> unescape(std::string_view s, bool spaces_allowed, std::string* why) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      if (i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
        out.push_back(s[++i]);
        continue;
      }
      if (i + 3 < s.size() && s[i + 1] == 'x' && hex_value(s[i + 2]) >= 0 && hex_value(s[i + 3]) >= 0) {
        out.push_back(static_cast<char>(hex_value(s[i + 2]) * 16 + hex_value(s[i + 3])));
        i += 3;
        continue;
      }
      *why = "a backslash that starts no escape (\\\" \\\\ \\xHH)";
      return std::nullopt;
    }
    if (c == '"') {
      *why = "an unescaped quote";
      return std::nullopt;
    }
    if ((c == ' ' && !spaces_allowed) || c < 0x20 || c > 0x7e) {
      *why = "a byte that is never written unescaped (0x" + std::string(1, "0123456789abcdef"[c >> 4]) +
             std::string(1, "0123456789abcdef"[c & 0xf]) + ")";
      return std::nullopt;
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

// Splits a text line at its unquoted spaces (a quote opens and closes a quoted part; inside one a backslash
// takes the next byte with it). nullopt (and *why) when a quote is left open or two spaces meet.
std::optional<std::vector<std::string_view>> split_fields(std::string_view line, std::string* why) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ' ') {
      if (i == start) {
        *why = "an empty field at byte " + std::to_string(i + 1);
        return std::nullopt;
      }
      fields.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  if (quoted) {
    *why = "a quote that is not closed";
    return std::nullopt;
  }
  if (start >= line.size()) {
    *why = line.empty() ? "an empty line" : "a space at the end of the line";
    return std::nullopt;
  }
  fields.push_back(line.substr(start));
  return fields;
}

template <typename Int>
bool parse_number(std::string_view s, Int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
}

// "403" or "403.16".
bool parse_status(std::string_view s, int& status, int& substatus) {
  const std::size_t dot = s.find('.');
  if (!parse_number(s.substr(0, dot), status) || status < 100 || status > 999) return false;
  substatus = 0;
  if (dot == std::string_view::npos) return true;
  return parse_number(s.substr(dot + 1), substatus) && substatus > 0;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

AccessLogRead fail(std::string why) { return {std::nullopt, std::move(why)}; }

AccessLogRead read_text_line(std::string_view text) {
  std::string why;
  auto fields = split_fields(text, &why);
  if (!fields) return fail("text line with " + why);
  const auto& f = *fields;
  AccessLogLine line;
  line.time = std::string(f[0]);
  auto time = parse_log_time(f[0]);
  if (!time) return fail("the line does not start with a time (YYYY-MM-DDTHH:MM:SS.mmmZ)");
  line.time_ms = *time;

  if (f.size() == 3 && f[1] == "event=lines_dropped") {
    if (!f[2].starts_with("dropped=") || !parse_number(f[2].substr(8), line.dropped))
      return fail("lines_dropped marker without a count (dropped=N)");
    line.kind = AccessLogLine::Kind::lines_dropped;
    return {std::move(line), ""};
  }
  if (f.size() < 6) return fail("text line of " + std::to_string(f.size()) + " fields, fewer than a request line has");

  auto value = [&why](std::string_view field, std::string& out) {
    auto v = unescape_text_field(field, &why);
    if (v) out = std::move(*v);
    return v.has_value();
  };
  if (!value(f[1], line.client)) return fail("client: " + why);
  // sni=, host=, then the request and the status, in that order.
  const std::pair<std::string_view, std::string*> leading[] = {{"sni=", &line.sni}, {"host=", &line.host}};
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& [key, out] = leading[i];
    if (!f[2 + i].starts_with(key)) return fail("field " + std::to_string(3 + i) + " is not " + std::string(key) + "...");
    if (!value(f[2 + i].substr(key.size()), *out)) return fail(std::string(key) + " " + why);
  }
  const std::string_view request = f[4];
  const std::size_t space = request.find(' ');
  if (request.size() < 3 || request.front() != '"' || request.back() != '"' || space == std::string_view::npos ||
      request.find(' ', space + 1) != std::string_view::npos)
    return fail("the request is not \"METHOD TARGET\"");
  auto method = unescape(request.substr(1, space - 1), false, &why);
  if (!method) return fail("request method: " + why);
  auto path = unescape(request.substr(space + 1, request.size() - space - 2), false, &why);
  if (!path) return fail("request target: " + why);
  line.method = std::move(*method);
  line.path = std::move(*path);
  if (!parse_status(f[5], line.status, line.substatus)) return fail("the status is not NNN or NNN.N");

  // The rest: KEY=VALUE fields and the flags resumed and chain_cached. Fields this reader does not know
  // (a later version's) are skipped; each field it knows must be there once.
  std::map<std::string_view, std::string*> known = {
      {"identity", &line.identity}, {"mapping", &line.mapping},           {"verify", &line.verify},
      {"fp", &line.fingerprint},    {"would_refuse", &line.would_refuse}, {"reason", &line.reason},
      {"proto", &line.proto},
  };
  const std::set<std::string_view> required = {"identity", "mapping", "verify", "fp", "request_id", "reason", "proto"};
  std::set<std::string_view> seen;
  for (std::size_t i = 6; i < f.size(); ++i) {
    const std::string_view field = f[i];
    if (field == "resumed" || field == "chain_cached") continue;
    const std::size_t eq = field.find('=');
    if (eq == std::string_view::npos || eq == 0) return fail("field " + std::to_string(i + 1) + " is not KEY=VALUE");
    const std::string_view key = field.substr(0, eq);
    for (char c : key)
      if (!((c >= 'a' && c <= 'z') || c == '_')) return fail("field " + std::to_string(i + 1) + " is not KEY=VALUE");
    if (!seen.insert(key).second) return fail("field " + std::string(key) + " appears twice");
    std::string ignored;
    auto it = known.find(key);
    if (!value(field.substr(eq + 1), it == known.end() ? ignored : *it->second)) return fail(std::string(key) + ": " + why);
  }
  for (std::string_view key : required)
    if (!seen.contains(key)) return fail("no " + std::string(key) + "= field");
  if (!line.would_refuse.empty()) {
    int s = 0, sub = 0;
    if (!parse_status(line.would_refuse, s, sub)) return fail("would_refuse is not a status (NNN.N)");
  }
  line.client_ip = ip_of_endpoint(line.client);
  return {std::move(line), ""};
}

AccessLogRead read_json_line(std::string_view text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    return fail("not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  if (!j.is_object()) return fail("a JSON line that is not an object");
  AccessLogLine line;
  auto string_field = [&j](const char* key, std::string& out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  if (!string_field("time", line.time)) return fail("no \"time\" string");
  auto time = parse_log_time(line.time);
  if (!time) return fail("\"time\" is not YYYY-MM-DDTHH:MM:SS.mmmZ");
  line.time_ms = *time;

  if (auto ev = j.find("event"); ev != j.end()) {
    auto dropped = j.find("dropped");
    if (*ev != "lines_dropped") return fail("unknown event");
    if (dropped == j.end() || !dropped->is_number_unsigned()) return fail("lines_dropped marker without a \"dropped\" count");
    line.kind = AccessLogLine::Kind::lines_dropped;
    line.dropped = dropped->get<std::uint64_t>();
    return {std::move(line), ""};
  }
  const std::pair<const char*, std::string*> strings[] = {
      {"client", &line.client},     {"sni", &line.sni},       {"host", &line.host},
      {"method", &line.method},     {"path", &line.path},     {"identity", &line.identity},
      {"mapping", &line.mapping},   {"verify", &line.verify}, {"reason", &line.reason},
      {"fingerprint", &line.fingerprint}, {"proto", &line.proto},
  };
  for (const auto& [key, out] : strings)
    if (!string_field(key, *out)) return fail(std::string("no \"") + key + "\" string");
  const std::pair<const char*, int*> numbers[] = {{"status", &line.status}, {"substatus", &line.substatus}};
  for (const auto& [key, out] : numbers) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return fail(std::string("no \"") + key + "\" number");
    *out = it->get<int>();
  }
  // null when the request was not one report-only admitted (absent from lines written before the field was).
  if (auto it = j.find("would_refuse"); it != j.end() && !it->is_null()) {
    int s = 0, sub = 0;
    if (!it->is_string() || !parse_status(it->get<std::string>(), s, sub))
      return fail("\"would_refuse\" is neither null nor a status (\"NNN.N\")");
    line.would_refuse = it->get<std::string>();
  }
  line.client_ip = ip_of_endpoint(line.client);
  return {std::move(line), ""};
}

}  // namespace

std::optional<std::int64_t> parse_log_time(std::string_view t) {
  // 2024-05-01T12:00:00.123Z
  if (t.size() != 24 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' ||
      t[23] != 'Z')
    return std::nullopt;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, ms = 0;
  const std::pair<std::size_t, int*> parts[] = {{0, &year}, {5, &month}, {8, &day}, {11, &hour},
                                                {14, &minute}, {17, &second}, {20, &ms}};
  const std::size_t lengths[] = {4, 2, 2, 2, 2, 2, 3};
  for (std::size_t i = 0; i < 7; ++i) {
    const std::string_view digits = t.substr(parts[i].first, lengths[i]);
    for (char c : digits)
      if (c < '0' || c > '9') return std::nullopt;
    parse_number(digits, *parts[i].second);
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || (month == 2 && day == 29 && !leap) || hour > 23 ||
      minute > 59 || second > 60)
    return std::nullopt;
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60'000 + static_cast<std::int64_t>(second) * 1000 + ms;
}

std::optional<std::string> unescape_text_field(std::string_view field, std::string* why) {
  if (field == "-") return std::string();
  if (field.empty()) {
    *why = "an empty value (an empty value is written as -)";
    return std::nullopt;
  }
  if (field.front() == '"') {
    if (field.size() < 2 || field.back() != '"') {
      *why = "a quoted value that does not end with a quote";
      return std::nullopt;
    }
    return unescape(field.substr(1, field.size() - 2), true, why);
  }
  return unescape(field, false, why);
}

std::string ip_of_endpoint(std::string_view endpoint) {
  const std::size_t colon = endpoint.rfind(':');
  if (colon == std::string_view::npos) return "";
  int port = 0;
  if (!parse_number(endpoint.substr(colon + 1), port) || port < 0 || port > 65535) return "";
  std::string_view addr = endpoint.substr(0, colon);
  if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') {
    addr = addr.substr(1, addr.size() - 2);
    return addr.find(':') != std::string_view::npos && parse_ip(addr) ? std::string(addr) : "";
  }
  return addr.find(':') == std::string_view::npos && parse_ip(addr) ? std::string(addr) : "";
}

std::string status_text(int status, int substatus) {
  return substatus ? std::to_string(status) + "." + std::to_string(substatus) : std::to_string(status);
}

AccessLogRead read_access_log_line(std::string_view text) {
  if (!text.empty() && text.front() == '{') return read_json_line(text);
  return read_text_line(text);
}

}  // namespace certgate::logging
