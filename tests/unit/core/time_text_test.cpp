#include "core/time_text.hpp"

#include <gtest/gtest.h>

namespace certgate::core {
namespace {

TEST(ParseTime, DateIsMidnightUtc) {
  EXPECT_EQ(parse_time("2016-08-01"), 1470009600);  // `date -u -d 2016-08-01 +%s`
  EXPECT_EQ(parse_time("1970-01-01"), 0);
  EXPECT_EQ(parse_time("2000-02-29"), 951782400);
}

TEST(ParseTime, DateTimeWithAndWithoutZone) {
  EXPECT_EQ(parse_time("2016-08-01T12:30:15Z"), 1470009600 + 12 * 3600 + 30 * 60 + 15);
  EXPECT_EQ(parse_time("2016-08-01T12:30:15"), 1470009600 + 12 * 3600 + 30 * 60 + 15);
  EXPECT_EQ(parse_time("2016-08-01 12:30"), 1470009600 + 12 * 3600 + 30 * 60);
  EXPECT_EQ(parse_time("2016-08-01T14:30:15+02:00"), parse_time("2016-08-01T12:30:15Z"));
  EXPECT_EQ(parse_time("2016-08-01T07:30:15-0500"), parse_time("2016-08-01T12:30:15Z"));
  EXPECT_EQ(parse_time("2016-08-01T12:30:15.250Z"), parse_time("2016-08-01T12:30:15Z"));
}

TEST(ParseTime, UnixSeconds) {
  EXPECT_EQ(parse_time("1470009600"), 1470009600);
  EXPECT_EQ(parse_time("@1470009600"), 1470009600);
  EXPECT_EQ(parse_time(" 0 "), 0);
}

TEST(ParseTime, RefusesWhatIsNotATime) {
  for (const char* bad : {"", "yesterday", "2016-13-01", "2015-02-29", "2016-08-32", "2016-08-01T25:00",
                          "2016-08-01T12", "2016-08-01X", "2016-08-01T12:00+2", "12:00", "1e9", "2016/08/01"}) {
    EXPECT_EQ(parse_time(bad), std::nullopt) << bad;
  }
}

TEST(FormatUtc, RoundTripsAndHandlesBeforeEpoch) {
  EXPECT_EQ(format_utc(1470009600), "2016-08-01T00:00:00Z");
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_utc(1893456000), "2030-01-01T00:00:00Z");
  for (std::int64_t t : {0LL, 951782400LL, 1470009600LL + 45296, 4102444799LL}) EXPECT_EQ(parse_time(format_utc(t)), t);
}

TEST(DaysUntil, RoundsTowardsThePast) {
  EXPECT_EQ(days_until(0, 86400 * 30), 30);
  EXPECT_EQ(days_until(0, 86400 * 30 - 1), 29);
  EXPECT_EQ(days_until(0, 0), 0);
  EXPECT_EQ(days_until(0, -1), -1) << "ended a second ago: -1, not 0";
  EXPECT_EQ(days_until(86400 * 10, 0), -10);
}

}  // namespace
}  // namespace certgate::core
