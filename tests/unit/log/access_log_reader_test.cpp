#include "log/access_log_reader.hpp"

#include <gtest/gtest.h>

#include "http/access_log.hpp"
#include "log/escape.hpp"

namespace certgate::logging {
namespace {

http_log::AccessRecord sample() {
  http_log::AccessRecord r;
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
  r.client = "203.0.113.7:53412";
  r.sni = "a.example";
  r.host = "a.example:8443";
  r.method = "GET";
  r.path = "/status";
  r.status = 200;
  r.identity = "edge";
  r.mapping = "cloudflare";
  r.verify = "FAILED:unable to get local issuer certificate";
  r.reason = "unable to get local issuer certificate";
  r.fingerprint = "9d6b43286231a578";
  r.would_refuse = "403.16";
  r.request_id = "3f9c";
  r.upstream_status = 200;
  r.upstream_ms = 5.1;
  r.upstream_addr = "10.0.0.1:8080";
  r.bytes_sent = 1466;
  return r;
}

void expect_same(const http_log::AccessRecord& r, const AccessLogLine& l) {
  EXPECT_EQ(l.kind, AccessLogLine::Kind::request);
  EXPECT_EQ(l.time_ms, std::chrono::duration_cast<std::chrono::milliseconds>(r.time.time_since_epoch()).count());
  EXPECT_EQ(l.client, r.client);
  EXPECT_EQ(l.sni, r.sni);
  EXPECT_EQ(l.host, r.host);
  EXPECT_EQ(l.method, r.method);
  EXPECT_EQ(l.path, r.path);
  EXPECT_EQ(l.status, r.status);
  EXPECT_EQ(l.substatus, r.substatus);
  EXPECT_EQ(l.identity, r.identity);
  EXPECT_EQ(l.mapping, r.mapping);
  EXPECT_EQ(l.verify, r.verify);
  EXPECT_EQ(l.fingerprint, r.fingerprint);
  EXPECT_EQ(l.would_refuse, r.would_refuse);
  EXPECT_EQ(l.reason, r.reason);
  EXPECT_EQ(l.proto, std::string(r.proto));
}

AccessLogLine read_ok(const std::string& text) {
  AccessLogRead read = read_access_log_line(text);
  EXPECT_TRUE(read.line.has_value()) << read.error << "\n" << text;
  return read.line.value_or(AccessLogLine{});
}

// Valid UTF-8 only: a JSON line writes a byte that is not UTF-8 as \u00XX, which reads back as a character.
std::vector<std::string> hostile_values() {
  return {
      "",
      "-",
      " ",
      "space in it",
      "\"",
      "quote\"inside",
      "back\\slash",
      "trailing\\",
      "\\x41 is not an escape",
      "key=value reason=forged",
      "a\r\nb",
      std::string("nul\0byte", 8),
      "tab\there",
      "\x1b[31mred\x1b[0m\x7f",
      "M\xc3\xbcller \xe2\x82\xac \xf0\x9d\x84\x9e",
      "line\xe2\x80\xa8sep\xc2\x85nel",
      "\"-\"",
      "sni=x host=y \"GET /\" 200",
  };
}

TEST(AccessLogReader, TextLinesReadBackEveryFieldWhateverTheValues) {
  std::vector<std::string> values = hostile_values();
  values.push_back("\x80\x9f\xa0\xfe\xff\xc3(");  // not UTF-8: the text form keeps the bytes exactly
  for (const std::string& v : values) {
    SCOPED_TRACE(testing::Message() << "value: " << text_field(v));
    for (std::string http_log::AccessRecord::*field :
         {&http_log::AccessRecord::client, &http_log::AccessRecord::sni, &http_log::AccessRecord::host,
          &http_log::AccessRecord::method, &http_log::AccessRecord::path, &http_log::AccessRecord::identity,
          &http_log::AccessRecord::mapping, &http_log::AccessRecord::verify, &http_log::AccessRecord::fingerprint,
          &http_log::AccessRecord::reason, &http_log::AccessRecord::request_id, &http_log::AccessRecord::upstream_addr}) {
      http_log::AccessRecord r = sample();
      r.*field = v;
      expect_same(r, read_ok(http_log::AccessLog::format_text(r)));
      r.resumed = r.chain_cached = true;
      r.proto = "h2";
      r.stream_id = 7;
      r.would_refuse.clear();
      expect_same(r, read_ok(http_log::AccessLog::format_text(r)));
    }
  }
}

TEST(AccessLogReader, JsonLinesReadBackEveryFieldWhateverTheValues) {
  for (const std::string& v : hostile_values()) {
    SCOPED_TRACE(testing::Message() << "value: " << text_field(v));
    for (std::string http_log::AccessRecord::*field :
         {&http_log::AccessRecord::client, &http_log::AccessRecord::sni, &http_log::AccessRecord::host,
          &http_log::AccessRecord::method, &http_log::AccessRecord::path, &http_log::AccessRecord::identity,
          &http_log::AccessRecord::mapping, &http_log::AccessRecord::verify, &http_log::AccessRecord::fingerprint,
          &http_log::AccessRecord::reason}) {
      http_log::AccessRecord r = sample();
      r.*field = v;
      expect_same(r, read_ok(http_log::AccessLog::format_json(r)));
      r.would_refuse.clear();
      r.proto = "h2";
      expect_same(r, read_ok(http_log::AccessLog::format_json(r)));
    }
  }
}

TEST(AccessLogReader, ClientAddressWithoutThePort) {
  http_log::AccessRecord r = sample();
  EXPECT_EQ(read_ok(http_log::AccessLog::format_text(r)).client_ip, "203.0.113.7");
  r.client = "[2001:db8::1]:443";
  EXPECT_EQ(read_ok(http_log::AccessLog::format_json(r)).client_ip, "2001:db8::1");
  EXPECT_EQ(ip_of_endpoint("[::ffff:192.0.2.7]:1"), "::ffff:192.0.2.7");
  EXPECT_EQ(ip_of_endpoint("192.0.2.7"), "");
  EXPECT_EQ(ip_of_endpoint("2001:db8::1:443"), "");  // without brackets it is not ADDRESS:PORT
  EXPECT_EQ(ip_of_endpoint("host.example:443"), "");
  EXPECT_EQ(ip_of_endpoint(""), "");
}

TEST(AccessLogReader, RealRefusalHasItsStatusAndNoWouldRefuse) {
  http_log::AccessRecord r = sample();
  r.status = 401;
  r.substatus = 2;
  r.would_refuse.clear();
  for (const std::string& line : {http_log::AccessLog::format_text(r), http_log::AccessLog::format_json(r)}) {
    AccessLogLine l = read_ok(line);
    EXPECT_EQ(l.status, 401);
    EXPECT_EQ(l.substatus, 2);
    EXPECT_EQ(l.would_refuse, "");
  }
}

TEST(AccessLogReader, DropMarkersOfBothFormats) {
  const auto t = sample().time;
  for (auto format : {config::LogFormat::text, config::LogFormat::json}) {
    AccessLogLine l = read_ok(http_log::AccessLog::format_drop_marker(format, t, 17));
    EXPECT_EQ(l.kind, AccessLogLine::Kind::lines_dropped);
    EXPECT_EQ(l.dropped, 17u);
    EXPECT_EQ(l.time, "2023-11-14T22:13:20.123Z");
    EXPECT_EQ(l.time_ms, 1'700'000'000'123);
  }
}

TEST(AccessLogReader, JsonLineWithoutWouldRefuseIsOneWrittenBeforeTheField) {
  http_log::AccessRecord r = sample();
  r.would_refuse.clear();
  std::string line = http_log::AccessLog::format_json(r);
  const std::string field = ",\"would_refuse\":null";
  line.erase(line.find(field), field.size());
  EXPECT_EQ(read_ok(line).would_refuse, "");
}

TEST(AccessLogReader, LinesThatAreNotAccessLogLinesSayWhy) {
  const std::string good = http_log::AccessLog::format_text(sample());
  const std::pair<std::string, std::string> bad[] = {
      {"", "empty line"},
      {"hello world", "does not start with a time"},
      {"2023-11-14T22:13:20.123Z 203.0.113.7:1 sni=a", "fewer than a request line has"},
      {good.substr(0, good.size() - 3), "not closed"},
      {good + " reason=again", "appears twice"},
      {std::string(good).replace(good.find(" 200 "), 5, " 2xx "), "status"},
      {std::string(good).replace(good.find("sni="), 4, "SNI="), "sni="},
      {std::string(good).replace(good.find("fp="), 3, "fq="), "no fp= field"},
      {std::string(good).replace(good.find("would_refuse=403.16"), 19, "would_refuse=soon"), "would_refuse"},
      {std::string(good).replace(good.find("identity=edge"), 13, "identity=e\\qdge"), "backslash"},
      {std::string(good).replace(good.find("  "[0]), 1, "  "), "empty field"},
      {"2023-11-31T22:13:20.123Z event=lines_dropped dropped=1", "time"},
      {"2023-11-14T22:13:20.123Z event=lines_dropped dropped=x", "count"},
      {"{\"time\":\"2023-11-14T22:13:20.123Z\"", "not valid JSON"},
      {"{\"time\":\"2023-11-14T22:13:20.123Z\",\"client\":1}", "\"client\""},
      {"[1]", "does not start with a time"},
  };
  for (const auto& [text, why] : bad) {
    AccessLogRead read = read_access_log_line(text);
    EXPECT_FALSE(read.line.has_value()) << text;
    EXPECT_NE(read.error.find(why), std::string::npos) << "error: " << read.error << "\nline: " << text;
  }
  // A value that says would_refuse is still the value of its own field.
  http_log::AccessRecord r = sample();
  r.would_refuse.clear();
  r.reason = "x would_refuse=403.16";
  EXPECT_EQ(read_ok(http_log::AccessLog::format_text(r)).would_refuse, "");
}

TEST(AccessLogReader, UnescapeIsTheInverseOfTextField) {
  std::string why;
  for (std::string v : {"", "-", "a b", "\"", "\\", "\x01", "\xff", "plain"})
    EXPECT_EQ(unescape_text_field(text_field(v), &why), v) << text_field(v);
  EXPECT_FALSE(unescape_text_field("\"open", &why));
  EXPECT_FALSE(unescape_text_field("a\\x4", &why));
  EXPECT_FALSE(unescape_text_field("\xc3\xa9", &why));  // text fields are ASCII: raw bytes are never written
}

}  // namespace
}  // namespace certgate::logging
