#include "http/access_log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "http/identity.hpp"
#include "http/identity_headers.hpp"
#include "http/status_text.hpp"

namespace certgate {
namespace {

http_log::AccessRecord refused() {
  http_log::AccessRecord r;
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
  r.client = "127.0.0.1:5000";
  r.sni = "a.test";
  r.host = "a.test:8443";
  r.method = "GET";
  r.path = "/x?\"q\"";
  r.status = 403;
  r.substatus = 16;
  r.verify = "FAILED:unable to get local issuer certificate";
  r.reason = "unable to get local issuer certificate";
  r.fingerprint = "ab";
  return r;
}

TEST(AccessLog, JsonLineHasEveryFieldEscaped) {
  std::string line = http_log::AccessLog::format_json(refused());
  EXPECT_NE(line.find("\"time\":\"2023-11-14T22:13:20.123Z\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"status\":403,\"substatus\":16"), std::string::npos) << line;
  EXPECT_NE(line.find("\"path\":\"/x?\\\"q\\\"\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"upstream_ms\":null"), std::string::npos) << line;
  for (const char* key : {"client", "sni", "host", "method", "identity", "mapping", "verify", "reason",
                          "fingerprint", "upstream_status", "bytes_sent"})
    EXPECT_NE(line.find(std::string("\"") + key + "\":"), std::string::npos) << key;
}

TEST(AccessLog, TextLineShowsSubstatusAndQuotesReasons) {
  std::string line = http_log::AccessLog::format_text(refused());
  EXPECT_NE(line.find(" 403.16 "), std::string::npos) << line;
  EXPECT_NE(line.find("reason=\"unable to get local issuer certificate\""), std::string::npos) << line;
  EXPECT_NE(line.find("identity=-"), std::string::npos) << line;
}

TEST(AccessLog, TextLineNamesTheProtocolAndTheH2StreamBeforeTheRequestId) {
  http_log::AccessRecord r = refused();
  r.request_id = "abc";
  std::string h1 = http_log::AccessLog::format_text(r);
  EXPECT_NE(h1.find(" bytes=0 proto=h1 request_id=abc reason="), std::string::npos) << h1;
  EXPECT_EQ(h1.find(" stream="), std::string::npos) << h1;
  r.proto = "h2";
  r.stream_id = 5;
  std::string h2 = http_log::AccessLog::format_text(r);
  EXPECT_NE(h2.find(" bytes=0 proto=h2 stream=5 request_id=abc reason="), std::string::npos) << h2;
}

TEST(AccessLog, JsonLineNamesTheProtocolAndTheH2StreamBeforeTheRequestId) {
  http_log::AccessRecord r = refused();
  r.request_id = "abc";
  std::string h1 = http_log::AccessLog::format_json(r);
  EXPECT_NE(h1.find(",\"chain_cached\":false,\"proto\":\"h1\",\"request_id\":\"abc\"}"), std::string::npos) << h1;
  EXPECT_EQ(h1.find("\"stream\""), std::string::npos) << h1;
  r.proto = "h2";
  r.stream_id = 7;
  std::string h2 = http_log::AccessLog::format_json(r);
  EXPECT_NE(h2.find(",\"proto\":\"h2\",\"stream\":7,\"request_id\":\"abc\"}"), std::string::npos) << h2;
}

TEST(AccessLog, TextLineSaysWhatWouldHaveBeenRefusedRightBeforeTheRequestId) {
  auto r = refused();
  r.status = 200;
  r.substatus = 0;
  r.would_refuse = "403.16";
  std::string line = http_log::AccessLog::format_text(r);
  EXPECT_NE(line.find("\" 200 identity="), std::string::npos) << line;
  EXPECT_NE(line.find(" proto=h1 would_refuse=403.16 request_id=- reason="), std::string::npos) << line;
  r.would_refuse.clear();
  EXPECT_EQ(http_log::AccessLog::format_text(r).find("would_refuse"), std::string::npos);
}

TEST(AccessLog, JsonLineHasWouldRefuseAfterReasonNullWhenNone) {
  auto r = refused();
  std::string line = http_log::AccessLog::format_json(r);
  EXPECT_NE(line.find("\"reason\":\"unable to get local issuer certificate\",\"would_refuse\":null,\"fingerprint\":"),
            std::string::npos)
      << line;
  r.status = 200;
  r.substatus = 0;
  r.would_refuse = "401.2";
  line = http_log::AccessLog::format_json(r);
  EXPECT_NE(line.find("\",\"would_refuse\":\"401.2\",\"fingerprint\":"), std::string::npos) << line;
  EXPECT_EQ(nlohmann::json::parse(line)["would_refuse"], "401.2");
}

TEST(AccessLog, JsonEscapesControlCharacters) {
  EXPECT_EQ(http_log::json_escape("a\nb\x01"), "a\\nb\\u0001");
}

// --- hostile values: every line still splits into the same fields ---

// A text line split at its unquoted spaces (the grammar docs/operations.md gives).
std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      out.back().push_back(c);
      if (c == '\\' && i + 1 < line.size()) out.back().push_back(line[++i]);
      else if (c == '"') quoted = false;
    } else if (c == ' ') {
      out.emplace_back();
    } else {
      if (c == '"') quoted = true;
      out.back().push_back(c);
    }
  }
  return out;
}

// The bytes of one text value: "-" is empty, quotes come off, \xHH \" \\ are undone.
std::string unescape_text(std::string_view v, bool dash_is_empty = true) {
  if (dash_is_empty && v == "-") return "";
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\') {
      out.push_back(v[i]);
      continue;
    }
    EXPECT_LT(i + 1, v.size()) << "dangling backslash in " << v;
    char next = v[++i];
    if (next == 'x') {
      EXPECT_LE(i + 2, v.size() - 1) << v;
      out.push_back(static_cast<char>(std::stoi(std::string(v.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      EXPECT_TRUE(next == '"' || next == '\\') << "unknown escape in " << v;
      out.push_back(next);
    }
  }
  return out;
}

std::string value_after(const std::string& field, const std::string& key) {
  EXPECT_EQ(field.rfind(key + "=", 0), 0u) << "expected " << key << "=..., got " << field;
  return unescape_text(std::string_view(field).substr(key.size() + 1));
}

http_log::AccessRecord record_with(const std::string& v) {
  http_log::AccessRecord r = refused();
  r.client = v;
  r.sni = v;
  r.host = v;
  r.method = v;
  r.path = v;
  r.identity = v;
  r.mapping = v;
  r.verify = v;
  r.reason = v;
  r.fingerprint = v;
  r.request_id = v;
  return r;
}

// The text line parses back into its fields with every value as it was (cut at kMaxValueBytes).
void expect_text_round_trip(const http_log::AccessRecord& r) {
  std::string line = http_log::AccessLog::format_text(r);
  for (unsigned char c : line) ASSERT_TRUE(c >= 0x20 && c < 0x7f) << "not printable ASCII: " << int(c);
  auto f = split_fields(line);
  const bool h2 = r.proto == "h2";
  ASSERT_EQ(f.size(), 17u + (r.resumed ? 1u : 0u) + (r.chain_cached ? 1u : 0u) + (h2 ? 1u : 0u)) << line.substr(0, 2000);
  auto expected = [](const std::string& s) { return logging::clip(s, http_log::AccessLog::kMaxValueBytes); };
  EXPECT_EQ(f[0], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(unescape_text(f[1]), expected(r.client));
  EXPECT_EQ(value_after(f[2], "sni"), expected(r.sni));
  EXPECT_EQ(value_after(f[3], "host"), expected(r.host));
  // "METHOD TARGET": one quoted field, split at its one unescaped space.
  ASSERT_GE(f[4].size(), 3u);
  ASSERT_EQ(f[4].front(), '"');
  ASSERT_EQ(f[4].back(), '"');
  std::string request = f[4].substr(1, f[4].size() - 2);
  ASSERT_EQ(std::count(request.begin(), request.end(), ' '), 1) << request.substr(0, 2000);
  EXPECT_EQ(unescape_text(request.substr(0, request.find(' ')), false), expected(r.method));
  EXPECT_EQ(unescape_text(request.substr(request.find(' ') + 1), false), expected(r.path));
  EXPECT_EQ(f[5], "403.16");
  EXPECT_EQ(value_after(f[6], "identity"), expected(r.identity));
  EXPECT_EQ(value_after(f[7], "mapping"), expected(r.mapping));
  EXPECT_EQ(value_after(f[8], "verify"), expected(r.verify));
  EXPECT_EQ(value_after(f[9], "fp"), expected(r.fingerprint));
  EXPECT_EQ(f[10], "upstream=-");
  EXPECT_EQ(f[11], "upstream_ms=-");
  EXPECT_EQ(f[12], "upstream_addr=-");
  EXPECT_EQ(f[13], "bytes=0");
  if (h2) {
    EXPECT_EQ(f[f.size() - 4], "proto=h2");
    EXPECT_EQ(f[f.size() - 3], "stream=" + std::to_string(r.stream_id));
  } else {
    EXPECT_EQ(f[f.size() - 3], "proto=h1");
  }
  EXPECT_EQ(value_after(f[f.size() - 2], "request_id"), expected(r.request_id));
  EXPECT_EQ(value_after(f.back(), "reason"), expected(r.reason));
}

bool valid_utf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();  // throws type_error 316 on ill-formed UTF-8
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// The JSON line is valid JSON on one line; values that were valid UTF-8 parse back unchanged.
void expect_json_round_trip(const http_log::AccessRecord& r) {
  std::string line = http_log::AccessLog::format_json(r);
  for (unsigned char c : line) ASSERT_GE(c, 0x20) << "raw control character in a JSON line";
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(line)) << line.substr(0, 2000);
  const std::pair<const char*, const std::string*> fields[] = {
      {"client", &r.client},     {"sni", &r.sni},       {"host", &r.host},     {"method", &r.method},
      {"path", &r.path},         {"identity", &r.identity}, {"mapping", &r.mapping}, {"verify", &r.verify},
      {"reason", &r.reason},     {"fingerprint", &r.fingerprint}, {"request_id", &r.request_id}};
  for (auto [key, value] : fields) {
    ASSERT_TRUE(j[key].is_string()) << key;
    std::string expected = logging::clip(*value, http_log::AccessLog::kMaxValueBytes);
    if (valid_utf8(expected)) EXPECT_EQ(j[key].get<std::string>(), expected) << key;
  }
  EXPECT_EQ(j["status"], 403);
  EXPECT_EQ(j["substatus"], 16);
  EXPECT_EQ(j["resumed"], r.resumed);
  EXPECT_EQ(j["chain_cached"], r.chain_cached);
  EXPECT_EQ(j["proto"], std::string(r.proto));
  if (r.proto == "h2") {
    EXPECT_EQ(j["stream"], r.stream_id);
  } else {
    EXPECT_FALSE(j.contains("stream"));
  }
}

std::vector<std::string> hostile_values() {
  return {
      "a\r\nb",
      "\n2023-11-14T22:13:20.123Z 10.0.0.1:1 sni=x host=x \"GET /\" 200 identity=admin",
      std::string("nul\0byte", 8),
      std::string(1, '\0'),
      "quote\"inside",
      "\"",
      "back\\slash",
      "trailing\\",
      "\\x41 is not an escape",
      "-",
      " ",
      "space in it",
      "key=value reason=forged",
      "tab\there",
      "\x1b[31mred\x1b[0m",
      "\x7f\x80\x9f\xa0\xfe\xff",
      "M\xc3\xbcller \xe2\x82\xac \xf0\x9d\x84\x9e",  // valid UTF-8
      "\xc3(",                                         // not
      "\xed\xa0\x80\xc0\xaf",
      "line\xe2\x80\xa8sep\xc2\x85nel",
      std::string(100000, 'a') + "\r\n",
      std::string(70000, '"'),
      std::string(30000, '\n'),
  };
}

TEST(AccessLog, TextLineSplitsIntoTheSameFieldsWhateverTheValues) {
  for (const auto& v : hostile_values()) {
    SCOPED_TRACE(testing::Message() << "value: " << logging::text_field(v.substr(0, 100)));
    expect_text_round_trip(record_with(v));
    auto r = record_with(v);
    r.resumed = true;
    expect_text_round_trip(r);
    r.resumed = false;
    r.chain_cached = true;
    expect_text_round_trip(r);
    r.proto = "h2";
    r.stream_id = 2147483647;
    expect_text_round_trip(r);
  }
}

TEST(AccessLog, JsonLineParsesWhateverTheValues) {
  for (const auto& v : hostile_values()) {
    SCOPED_TRACE(testing::Message() << "value: " << logging::text_field(v.substr(0, 100)));
    expect_json_round_trip(record_with(v));
    auto r = record_with(v);
    r.chain_cached = true;
    expect_json_round_trip(r);
    r.proto = "h2";
    r.stream_id = 1;
    expect_json_round_trip(r);
  }
}

TEST(AccessLog, RandomBytesRoundTripThroughBothFormats) {
  std::mt19937 rng(20240501);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 24);
  for (int n = 0; n < 2000; ++n) {
    std::string v;
    for (int i = length(rng); i > 0; --i) v.push_back(static_cast<char>(byte(rng)));
    SCOPED_TRACE(testing::Message() << "value: " << logging::text_field(v));
    expect_text_round_trip(record_with(v));
    expect_json_round_trip(record_with(v));
  }
}

TEST(AccessLog, LongValuesAreCutAndSaySo) {
  auto r = refused();
  r.path = "/" + std::string(200000, 'p');
  std::string line = http_log::AccessLog::format_json(r);
  auto path = nlohmann::json::parse(line)["path"].get<std::string>();
  EXPECT_EQ(path.size(), http_log::AccessLog::kMaxValueBytes + std::string("...[+134465 bytes]").size());
  EXPECT_EQ(path.substr(path.size() - 18), "...[+134465 bytes]");
}

TEST(AccessLog, DropMarkerLines) {
  auto t = refused().time;
  auto json = nlohmann::json::parse(http_log::AccessLog::format_drop_marker(config::LogFormat::json, t, 17));
  EXPECT_EQ(json["event"], "lines_dropped");
  EXPECT_EQ(json["dropped"], 17);
  EXPECT_EQ(json["time"], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(http_log::AccessLog::format_drop_marker(config::LogFormat::text, t, 17),
            "2023-11-14T22:13:20.123Z event=lines_dropped dropped=17");
}

// --- the writer: a log nobody reads never holds up write() ---

std::string scratch_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("certgate-" + name + "-" + std::to_string(::getpid()))).string();
}

TEST(AccessLog, FileGetsEveryLineByShutdown) {
  auto path = scratch_path("access-log-file");
  std::filesystem::remove(path);
  {
    http_log::AccessLog log(path, config::LogFormat::json);
    for (int i = 0; i < 5000; ++i) {
      auto r = refused();
      r.path = "/n/" + std::to_string(i);
      log.write(r);
    }
  }
  std::ifstream in(path);
  int i = 0;
  for (std::string line; std::getline(in, line); ++i)
    ASSERT_EQ(nlohmann::json::parse(line)["path"], "/n/" + std::to_string(i));
  EXPECT_EQ(i, 5000);
  std::filesystem::remove(path);
}

TEST(AccessLog, StalledFifoNeverHoldsUpWriteAndTheDropsAreMarked) {
  auto path = scratch_path("access-log-fifo");
  std::filesystem::remove(path);
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  int reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // so the log's open does not wait
  ASSERT_GE(reader, 0);
  ::fcntl(reader, F_SETPIPE_SZ, 4096);
  auto log = std::make_unique<http_log::AccessLog>(path, config::LogFormat::json);

  // Lines of ~66 KB: 8 MiB of queue is full after ~130 of them.
  constexpr int kRecords = 400;
  auto writing = std::async(std::launch::async, [&] {
    for (int i = 0; i < kRecords; ++i) {
      auto r = refused();
      r.path = "/stalled/" + std::to_string(i) + "/" + std::string(http_log::AccessLog::kMaxValueBytes, 'x');
      log->write(r);
    }
  });
  ASSERT_EQ(writing.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "write() waited for the reader";

  // Reading resumes; the destructor writes what is queued (well within its budget: the reader keeps up).
  std::string got;
  auto drain = std::async(std::launch::async, [&] {
    char buf[65536];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      ssize_t n = ::read(reader, buf, sizeof buf);
      if (n == 0) break;  // the log closed its end
      if (n > 0) got.append(buf, static_cast<std::size_t>(n));
      else ::usleep(1000);
    }
  });
  log.reset();
  ASSERT_EQ(drain.wait_for(std::chrono::seconds(40)), std::future_status::ready);
  ::close(reader);
  std::filesystem::remove(path);

  std::istringstream in(got);
  int next = 0;
  std::uint64_t dropped = 0;
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (j.contains("event")) {
      ASSERT_EQ(j["event"], "lines_dropped");
      dropped += j["dropped"].get<std::uint64_t>();
      next += j["dropped"].get<int>();
      continue;
    }
    std::string p = j["path"];
    ASSERT_EQ(p.rfind("/stalled/" + std::to_string(next) + "/", 0), 0u) << p.substr(0, 40);
    ++next;
  }
  EXPECT_EQ(next, kRecords);
  EXPECT_GT(dropped, 0u);
}

TEST(StatusText, DetailedBodyNamesSubstatusAndReasonOthersDoNot) {
  std::string detailed = http_status::refusal_body(403, 17, "certificate has expired", true);
  EXPECT_EQ(detailed.rfind("403.17 Forbidden", 0), 0u) << detailed;
  EXPECT_NE(detailed.find("reason: certificate has expired"), std::string::npos);
  std::string plain = http_status::refusal_body(403, 17, "certificate has expired", false);
  EXPECT_EQ(plain, "403 Forbidden\n");
}

TEST(Identity, VerifyHeaderValues) {
  core::VerifyResult ok{core::VerifyStatus::ok, 0, -1, ""};
  core::VerifyResult bad{core::VerifyStatus::untrusted, 20, 0, "unable to get local issuer certificate"};
  EXPECT_EQ(http_id::verify_header_value(ok, true), "SUCCESS");
  EXPECT_EQ(http_id::verify_header_value(ok, false), "NONE");
  EXPECT_EQ(http_id::verify_header_value(bad, true), "FAILED:unable to get local issuer certificate");
}

TEST(Identity, ClientCertIsRfc9440ByteSequence) {
  core::CertDigest cert;
  cert.der = std::string("\x30\x03\x02\x01\x01", 5);
  core::Decision d;
  d.admitted = true;
  d.identity = "u";
  auto v = http_id::identity_values(d, cert, core::VerifyResult{core::VerifyStatus::ok, 0, -1, ""});
  EXPECT_EQ(v.client_cert, ":MAMCAQE=:");
  EXPECT_EQ(v.identity, "u");
}

TEST(AccessLog, TextLineSaysWhatReportOnlyLetThroughBeforeTheRequestId) {
  http_log::AccessRecord r = refused();
  r.status = 200;
  r.substatus = 0;
  r.request_id = "abc";
  EXPECT_EQ(http_log::AccessLog::format_text(r).find("would_refuse"), std::string::npos);
  r.would_refuse = "403.16";
  const std::string line = http_log::AccessLog::format_text(r);
  EXPECT_NE(line.find(" 200 identity="), std::string::npos) << line;
  EXPECT_NE(line.find(" proto=h1 would_refuse=403.16 request_id=abc reason="), std::string::npos) << line;
}

TEST(AccessLog, JsonLineHasWouldRefuseInEveryLineNullWhenNone) {
  http_log::AccessRecord r = refused();
  EXPECT_EQ(nlohmann::json::parse(http_log::AccessLog::format_json(r))["would_refuse"], nullptr);
  r.would_refuse = "401.2";
  const nlohmann::json line = nlohmann::json::parse(http_log::AccessLog::format_json(r));
  EXPECT_EQ(line["would_refuse"], "401.2");
  EXPECT_EQ(line["reason"], "unable to get local issuer certificate");
}

TEST(Identity, ReportOnlyRefusalCarriesTheVerdictAndNothingThatPassesForAnIdentity) {
  core::CertDigest cert;
  cert.der = std::string("\x30\x03\x02\x01\x01", 5);
  cert.subject.rfc4514 = "CN=edge";
  cert.sha256_hex = "ab";
  core::Decision d;
  d.admitted = false;
  d.enforced = false;
  d.status = 401;
  d.substatus = 2;
  d.mapping = "deny-all";  // a deny mapping names itself in a refusal
  const auto v = http_id::identity_values(d, cert, core::VerifyResult{core::VerifyStatus::ok, 0, -1, ""});
  EXPECT_EQ(v.verify, "SUCCESS");
  EXPECT_EQ(v.would_refuse, "401.2");
  const auto headers = h1::identity_headers(config::HeaderNames{}, v);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"X-Client-Verify", "SUCCESS"}));
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"X-Client-Would-Refuse", "401.2"}));

  const auto failed = http_id::identity_values(
      d, cert, core::VerifyResult{core::VerifyStatus::untrusted, 20, 0, "unable to get local issuer certificate"});
  EXPECT_EQ(failed.verify, "FAILED:unable to get local issuer certificate");
  const auto none = http_id::identity_values(d, std::nullopt, core::VerifyResult{});
  EXPECT_EQ(none.verify, "NONE");
}

TEST(Identity, AnEnforcedRefusalHasNoWouldRefuse) {
  core::Decision d;
  d.status = 403;
  d.substatus = 7;
  EXPECT_EQ(http_id::identity_values(d, std::nullopt, core::VerifyResult{}).would_refuse, "");
}

}  // namespace
}  // namespace certgate
