#include "log/rollout_report.hpp"

#include <gtest/gtest.h>

#include "http/access_log.hpp"

namespace certgate::logging {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000;  // 2023-11-14T22:13:20.000Z

http_log::AccessRecord admitted(std::int64_t ms = kT0, const char* client = "173.245.48.9:40000") {
  http_log::AccessRecord r;
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  r.client = client;
  r.sni = "www.example.com";
  r.host = "www.example.com";
  r.method = "GET";
  r.path = "/";
  r.status = 200;
  r.identity = "edge";
  r.mapping = "cloudflare";
  r.verify = "SUCCESS";
  r.fingerprint = "aa11";
  r.upstream_status = 200;
  return r;
}

http_log::AccessRecord would_refuse(const char* status, const char* reason, std::int64_t ms = kT0,
                                    const char* client = "173.245.48.9:40000", const char* fingerprint = "bb22") {
  http_log::AccessRecord r = admitted(ms, client);
  r.would_refuse = status;
  r.reason = reason;
  r.fingerprint = fingerprint;
  r.identity.clear();
  r.mapping.clear();
  return r;
}

struct Log {
  RolloutOptions options;
  std::vector<std::string> lines;
  void add(const http_log::AccessRecord& r, bool json = false) {
    lines.push_back(json ? http_log::AccessLog::format_json(r) : http_log::AccessLog::format_text(r));
  }
  RolloutReport report() const {
    RolloutReportBuilder b(options);
    for (std::size_t i = 0; i < lines.size(); ++i) b.add_line("access.log", i + 1, lines[i]);
    return b.finish();
  }
};

TEST(RolloutReport, EmptyLogIsNotSafe) {
  RolloutReport r = Log{}.report();
  EXPECT_FALSE(r.safe);
  ASSERT_EQ(r.reasons.size(), 1u);
  EXPECT_EQ(r.reasons[0], "no request in the log");
  EXPECT_EQ(r.requests, 0u);
}

TEST(RolloutReport, AllAdmittedIsSafe) {
  Log log;
  log.add(admitted(kT0));
  log.add(admitted(kT0 + 1000), true);
  http_log::AccessRecord upstream_403 = admitted(kT0 + 2000);
  upstream_403.status = 403;  // the upstream's own 403 (no substatus): not a refusal of certgate's
  log.add(upstream_403);
  RolloutReport r = log.report();
  EXPECT_TRUE(r.safe) << (r.reasons.empty() ? "" : r.reasons[0]);
  EXPECT_EQ(r.lines_read, 3u);
  EXPECT_EQ(r.requests, 3u);
  EXPECT_EQ(r.admitted, 3u);
  EXPECT_EQ(r.first_time, "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(r.last_time, "2023-11-14T22:13:22.000Z");
}

TEST(RolloutReport, EnforcedRefusalsAreCountedButDoNotMakeItUnsafe) {
  Log log;
  log.add(admitted());
  http_log::AccessRecord refused = admitted();
  refused.status = 403;
  refused.substatus = 16;
  refused.reason = "unable to get local issuer certificate";
  log.add(refused);
  log.add(refused, true);
  RolloutReport r = log.report();
  EXPECT_TRUE(r.safe);
  EXPECT_EQ(r.already_refused, 2u);
  ASSERT_EQ(r.already_refused_by_status.size(), 1u);
  EXPECT_EQ(r.already_refused_by_status[0].key, "403.16");
  EXPECT_EQ(r.already_refused_by_status[0].count, 2u);
}

TEST(RolloutReport, WouldBeRefusedNamesReasonsClientsFingerprintsAndHosts) {
  Log log;
  log.add(admitted());
  for (int i = 0; i < 10; ++i) log.add(would_refuse("403.16", "untrusted certificate", kT0, "198.51.100.7:1", "cc33"), i % 2);
  http_log::AccessRecord no_cert = would_refuse("401.2", "no client certificate", kT0, "[2001:db8::5]:443", "");
  no_cert.host = "api.example.com";
  log.add(no_cert);
  log.add(no_cert, true);
  RolloutReport r = log.report();
  EXPECT_FALSE(r.safe);
  EXPECT_EQ(r.requests, 13u);
  EXPECT_EQ(r.admitted, 1u);
  EXPECT_EQ(r.would_refuse.total, 12u);
  ASSERT_EQ(r.reasons.size(), 1u);
  EXPECT_EQ(r.reasons[0], "12 requests would be refused: 403.16 untrusted certificate (10), 401.2 no client certificate (2)");
  ASSERT_EQ(r.would_refuse.by_reason.size(), 2u);
  EXPECT_EQ(r.would_refuse.by_reason[0].status, "403.16");
  EXPECT_EQ(r.would_refuse.by_reason[0].count, 10u);
  ASSERT_EQ(r.would_refuse.by_client_ip.size(), 2u);
  EXPECT_EQ(r.would_refuse.by_client_ip[0].key, "198.51.100.7");
  EXPECT_EQ(r.would_refuse.by_client_ip[1].key, "2001:db8::5");
  ASSERT_EQ(r.would_refuse.by_fingerprint.size(), 2u);
  EXPECT_EQ(r.would_refuse.by_fingerprint[0].key, "cc33");
  EXPECT_EQ(r.would_refuse.by_fingerprint[1].key, "-");  // no certificate
  ASSERT_EQ(r.would_refuse.by_host.size(), 2u);
  EXPECT_EQ(r.would_refuse.by_host[1].key, "api.example.com");
}

TEST(RolloutReport, WouldBeRefusedOnlyFromOutsideTheEdgeIsSafe) {
  Log log;
  log.options.edge = IpRangeSet{};
  log.options.edge->add(*parse_ip_range("173.245.48.0/20").range);
  log.options.edge->add(*parse_ip_range("2400:cb00::/32").range);
  log.add(admitted());
  log.add(would_refuse("403.7", "no client certificate", kT0, "198.51.100.7:1"));
  log.add(would_refuse("403.7", "no client certificate", kT0, "[2001:db8::5]:1"), true);
  RolloutReport r = log.report();
  EXPECT_TRUE(r.safe) << (r.reasons.empty() ? "" : r.reasons[0]);
  EXPECT_EQ(r.would_refuse.total, 0u);
  EXPECT_EQ(r.not_from_edge.total, 2u);
  ASSERT_EQ(r.not_from_edge.by_client_ip.size(), 2u);

  // From inside the edge (an IPv4 client seen on a dual-stack listener too), it counts.
  log.add(would_refuse("403.16", "untrusted certificate", kT0, "[::ffff:173.245.48.1]:1"));
  log.add(would_refuse("403.16", "untrusted certificate", kT0, "[2400:cb00::1]:1"));
  r = log.report();
  EXPECT_FALSE(r.safe);
  EXPECT_EQ(r.would_refuse.total, 2u);
  EXPECT_EQ(r.not_from_edge.total, 2u);
}

TEST(RolloutReport, ClientWithoutAnAddressCountsAgainstTheVerdictEvenWithAnEdge) {
  Log log;
  log.options.edge = IpRangeSet{};
  log.options.edge->add(*parse_ip_range("173.245.48.0/20").range);
  log.add(would_refuse("403.16", "untrusted certificate", kT0, ""));
  RolloutReport r = log.report();
  EXPECT_FALSE(r.safe);
  EXPECT_EQ(r.would_refuse.total, 1u);
  EXPECT_EQ(r.would_refuse.by_client_ip[0].key, "-");
}

TEST(RolloutReport, UnreadableLineIsNotSafeAndNamed) {
  Log log;
  log.add(admitted());
  log.lines.push_back("this is not an access log line");
  RolloutReport r = log.report();
  EXPECT_FALSE(r.safe);
  EXPECT_EQ(r.unreadable_lines, 1u);
  ASSERT_EQ(r.unreadable.size(), 1u);
  EXPECT_EQ(r.unreadable[0].line, 2u);
  ASSERT_EQ(r.reasons.size(), 1u);
  EXPECT_EQ(r.reasons[0].rfind("1 line could not be read (the first: access.log:2: ", 0), 0u) << r.reasons[0];
}

TEST(RolloutReport, DroppedLinesAreNotSafe) {
  for (auto format : {config::LogFormat::text, config::LogFormat::json}) {
    Log log;
    log.add(admitted());
    log.lines.push_back(http_log::AccessLog::format_drop_marker(
        format, std::chrono::system_clock::time_point(std::chrono::milliseconds(kT0 + 5)), 42));
    RolloutReport r = log.report();
    EXPECT_FALSE(r.safe);
    EXPECT_EQ(r.dropped_lines, 42u);
    EXPECT_EQ(r.requests, 1u);
    ASSERT_EQ(r.reasons.size(), 1u);
    EXPECT_NE(r.reasons[0].find("42 lines were dropped"), std::string::npos) << r.reasons[0];
  }
}

TEST(RolloutReport, SinceLeavesOutOlderLines) {
  Log log;
  log.add(would_refuse("403.16", "untrusted certificate", kT0 - 1));
  log.lines.push_back(http_log::AccessLog::format_drop_marker(
      config::LogFormat::text, std::chrono::system_clock::time_point(std::chrono::milliseconds(kT0 - 1)), 3));
  log.add(admitted(kT0));
  log.add(admitted(kT0 + 60'000), true);
  log.options.since_ms = kT0;
  RolloutReport r = log.report();
  EXPECT_TRUE(r.safe) << (r.reasons.empty() ? "" : r.reasons[0]);
  EXPECT_EQ(r.lines_read, 4u);
  EXPECT_EQ(r.requests, 2u);
  EXPECT_EQ(r.first_time, "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(r.last_time, "2023-11-14T22:14:20.000Z");

  log.options.since_ms = kT0 + 60'001;
  r = log.report();
  EXPECT_FALSE(r.safe);
  EXPECT_EQ(r.reasons[0], "no request in the log for this window and host");
}

TEST(RolloutReport, HostFilterComparesHostOrSniIgnoringCase) {
  Log log;
  http_log::AccessRecord other = would_refuse("403.16", "untrusted certificate");
  other.host = other.sni = "other.example.com";
  log.add(other);
  http_log::AccessRecord with_port = admitted();
  with_port.host = "WWW.Example.com:8443";
  with_port.sni.clear();
  log.add(with_port);
  http_log::AccessRecord by_sni = admitted();
  by_sni.host = "10.0.0.1";
  by_sni.sni = "www.EXAMPLE.com";
  log.add(by_sni, true);
  log.options.host = "www.example.com";
  RolloutReport r = log.report();
  EXPECT_TRUE(r.safe) << (r.reasons.empty() ? "" : r.reasons[0]);
  EXPECT_EQ(r.requests, 2u);
  log.options.host = "Other.Example.Com";
  r = log.report();
  EXPECT_FALSE(r.safe);
  EXPECT_EQ(r.requests, 1u);
  EXPECT_EQ(r.would_refuse.total, 1u);
}

TEST(RolloutReport, ShownValuesCannotStartALine) {
  EXPECT_EQ(shown(""), "-");
  EXPECT_EQ(shown("a b"), "a b");
  EXPECT_EQ(shown("a\nb\x1b\xff"), "a\\x0ab\\x1b\\xff");
}

}  // namespace
}  // namespace certgate::logging
