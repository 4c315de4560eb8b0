#include "core/time_text.hpp"

#include <cstdint>
#include <cstdio>
#include <iterator>

namespace certgate::core {
namespace {

bool leap(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(std::int64_t year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : days[month - 1];
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  std::int64_t year;
  int month, day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Civil{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Reads exactly `width` digits at text[pos]; advances pos.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool eat(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

std::optional<std::int64_t> parse_unix_seconds(std::string_view text) {
  if (!text.empty() && text.front() == '@') text.remove_prefix(1);
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 15) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return negative ? -value : value;
}

// "Z", "+02:00", "+0200", "-05" -> offset east of UTC in seconds; nullopt when malformed.
std::optional<std::int64_t> parse_zone(std::string_view text, std::size_t& pos) {
  if (pos == text.size()) return 0;  // no zone: UTC
  if (eat(text, pos, 'Z') || eat(text, pos, 'z')) return 0;
  const char sign = text[pos];
  if (sign != '+' && sign != '-') return std::nullopt;
  ++pos;
  auto hours = digits(text, pos, 2);
  if (!hours || *hours > 23) return std::nullopt;
  int minutes = 0;
  if (pos < text.size()) {
    eat(text, pos, ':');
    auto m = digits(text, pos, 2);
    if (!m || *m > 59) return std::nullopt;
    minutes = *m;
  }
  const std::int64_t offset = *hours * 3600 + minutes * 60;
  return sign == '+' ? offset : -offset;
}

}  // namespace

std::optional<std::int64_t> unix_time(int year, int month, int day, int hour, int minute, int second) {
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return std::nullopt;
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

std::optional<std::int64_t> parse_time(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (text.size() < 10 || text[4] != '-') return parse_unix_seconds(text);

  std::size_t pos = 0;
  auto year = digits(text, pos, 4);
  if (!year || !eat(text, pos, '-')) return std::nullopt;
  auto month = digits(text, pos, 2);
  if (!month || !eat(text, pos, '-')) return std::nullopt;
  auto day = digits(text, pos, 2);
  if (!day) return std::nullopt;
  int hour = 0, minute = 0, second = 0;
  std::int64_t offset = 0;
  if (pos < text.size()) {
    if (!eat(text, pos, 'T') && !eat(text, pos, 't') && !eat(text, pos, ' ')) return std::nullopt;
    auto h = digits(text, pos, 2);
    if (!h || !eat(text, pos, ':')) return std::nullopt;
    auto m = digits(text, pos, 2);
    if (!m) return std::nullopt;
    hour = *h;
    minute = *m;
    if (eat(text, pos, ':')) {
      auto s = digits(text, pos, 2);
      if (!s) return std::nullopt;
      second = *s;
      if (eat(text, pos, '.')) {  // fractions of a second are accepted and dropped
        std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
      }
    }
    auto zone = parse_zone(text, pos);
    if (!zone) return std::nullopt;
    offset = *zone;
  }
  if (pos != text.size()) return std::nullopt;
  auto at = unix_time(*year, *month, *day, hour, minute, second);
  if (!at) return std::nullopt;
  return *at - offset;
}

std::string format_utc(std::int64_t unix_seconds) {
  const std::int64_t days = floor_div(unix_seconds, 86400);
  const std::int64_t rest = unix_seconds - days * 86400;
  const Civil date = civil_from_days(days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(date.year), date.month,
                date.day, static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return buf;
}

std::int64_t days_until(std::int64_t now, std::int64_t until) { return floor_div(until - now, 86400); }

std::string days_text(std::int64_t days) { return std::to_string(days) + (days == 1 || days == -1 ? " day" : " days"); }

std::string duration_text(std::int64_t seconds) {
  const std::uint64_t total = seconds < 0 ? 0 - static_cast<std::uint64_t>(seconds) : static_cast<std::uint64_t>(seconds);
  struct Unit {
    std::uint64_t seconds;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  auto part = [](std::uint64_t count, const char* name) {
    return std::to_string(count) + " " + name + (count == 1 ? "" : "s");
  };
  for (std::size_t i = 0; i < std::size(kUnits); ++i) {
    const std::uint64_t count = total / kUnits[i].seconds;
    if (count == 0 && kUnits[i].seconds > 1) continue;
    std::string text = part(count, kUnits[i].name);
    if (i + 1 < std::size(kUnits)) {
      const std::uint64_t next = (total % kUnits[i].seconds) / kUnits[i + 1].seconds;
      if (next > 0) text += " " + part(next, kUnits[i + 1].name);
    }
    return text;
  }
  return "0 seconds";
}

}  // namespace certgate::core
