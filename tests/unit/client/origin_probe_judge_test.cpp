#include <gtest/gtest.h>

#include "client/origin_probe.hpp"

namespace certgate::client {
namespace {

ScenarioResult scenario(std::string_view pass, int number, std::string id, std::string label, ProbeOutcome outcome,
                        std::string detail) {
  ScenarioResult s;
  s.pass = std::string(pass);
  s.number = number;
  s.id = std::move(id);
  s.label = std::move(label);
  s.response.protocol = "TLSv1.3";
  s.response.alpn = pass == kH2Pass ? "h2" : "http/1.1";
  s.result.outcome = outcome;
  s.result.detail = std::move(detail);
  return s;
}

// The three scenarios of a pass: (no certificate, edge, impostor) with these outcomes.
void add_pass(ProbeReport& report, std::string_view pass, int first, ProbeOutcome none) {
  report.scenarios.push_back(scenario(pass, first, "no_certificate", "no client certificate", none,
                                      none == ProbeOutcome::admitted ? "HTTP 200" : "HTTP 403"));
  report.scenarios.push_back(
      scenario(pass, first + 1, "edge_certificate", "the edge certificate", ProbeOutcome::admitted, "HTTP 200"));
  report.scenarios.push_back(scenario(pass, first + 2, "impostor", "impostor (self-signed, same subject)",
                                      ProbeOutcome::refused, "HTTP 403"));
}

TEST(ProbeJudge, AHoleFoundOnlyOverHttp2IsAReason) {
  ProbeReport report;
  report.origin_checked = true;
  report.origin_verified = true;
  add_pass(report, kHttp1Pass, 1, ProbeOutcome::refused);
  add_pass(report, kH2Pass, 4, ProbeOutcome::admitted);
  report.http2_checked = true;
  judge(report);
  EXPECT_FALSE(report.enforced);
  ASSERT_EQ(report.reasons.size(), 1u);
  EXPECT_EQ(report.reasons[0].rfind("(4) no client certificate over HTTP/2 is admitted (HTTP 200)", 0), 0u)
      << report.reasons[0];
}

TEST(ProbeJudge, BothPassesEnforcedIsEnforced) {
  ProbeReport report;
  add_pass(report, kHttp1Pass, 1, ProbeOutcome::refused);
  add_pass(report, kH2Pass, 4, ProbeOutcome::refused);
  report.http2_checked = true;
  judge(report);
  EXPECT_TRUE(report.enforced);
  EXPECT_TRUE(report.reasons.empty());
}

TEST(ProbeJudge, AnHttp1HoleIsNamedWithoutAProtocol) {
  ProbeReport report;
  add_pass(report, kHttp1Pass, 1, ProbeOutcome::admitted);
  judge(report);
  EXPECT_FALSE(report.enforced);
  ASSERT_EQ(report.reasons.size(), 1u);
  EXPECT_EQ(report.reasons[0].rfind("(1) no client certificate is admitted", 0), 0u) << report.reasons[0];
}

TEST(ProbeClassify, NoHttp2ResponseSaysWhy) {
  HttpsResponse r;
  r.tcp_ok = true;
  r.tls_ok = true;
  r.alpn = "h2";
  r.http_error = "stream reset by the server: REFUSED_STREAM";
  Classification c = classify_response(r);
  EXPECT_EQ(c.outcome, ProbeOutcome::refused);
  EXPECT_EQ(c.detail, "HTTP/2: stream reset by the server: REFUSED_STREAM");
  r.empty_reply = true;
  EXPECT_EQ(classify_response(r).detail, "connection closed without a response");
}

}  // namespace
}  // namespace certgate::client
