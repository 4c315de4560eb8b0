#pragma once
// Points in time as operators type them (`--at`) and as the tools print them: UTC, ISO 8601.
// Pure arithmetic on the proleptic Gregorian calendar, so it does not depend on the process's time zone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certgate::core {

// Accepts "2016-08-01" (midnight UTC), "2016-08-01T12:30", "2016-08-01T12:30:15" (UTC), either with "Z" or
// an offset "+02:00" / "-0500", a space instead of 'T', and an integer number of unix seconds ("1470009600",
// optionally "@1470009600"). nullopt when the text is none of these or names an impossible date.
std::optional<std::int64_t> parse_time(std::string_view text);

// "2016-08-01T00:00:00Z".
std::string format_utc(std::int64_t unix_seconds);

// Whole days from `now` until `until`, rounded towards minus infinity: 0 = less than a day left,
// -1 = ended less than a day ago.
std::int64_t days_until(std::int64_t now, std::int64_t until);

// "1 day", "17 days" (for messages).
std::string days_text(std::int64_t days);

// A length of time in its two largest units, for messages: "3 days 4 hours", "2 hours 5 minutes",
// "40 seconds" (the sign is ignored).
std::string duration_text(std::int64_t seconds);

// Unix seconds of a UTC calendar date and time; nullopt when the fields are out of range.
std::optional<std::int64_t> unix_time(int year, int month, int day, int hour = 0, int minute = 0, int second = 0);

}  // namespace certgate::core
