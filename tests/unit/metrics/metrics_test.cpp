#include "metrics/metrics.hpp"

#include <gtest/gtest.h>

namespace certgate::metrics {
namespace {

bool has_line(const std::string& text, const std::string& line) { return text.find("\n" + line + "\n") != std::string::npos; }

TEST(Metrics, RequestsCountedByStatusSubstatusAndHostBlock) {
  Metrics m;
  WorkerMetrics a(m), b(m);
  a.request("default", 200, 0);
  a.request("default", 200, 0);
  b.request("default", 200, 0);  // another worker: the same series
  a.request("default", 403, 16);
  a.request("api.example.com", 403, 16);
  std::string text = m.scrape(3);
  EXPECT_TRUE(has_line(text, R"(certgate_requests_total{host_block="default",status="200",substatus="0"} 3)")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_requests_total{host_block="default",status="403",substatus="16"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_requests_total{host_block="api.example.com",status="403",substatus="16"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, "certgate_open_client_connections 3")) << text;
}

TEST(Metrics, DecisionsByMappingAndResult) {
  Metrics m;
  WorkerMetrics w(m);
  w.decision("default", "partners", true);
  w.decision("default", "partners", true);
  w.decision("default", "", false);
  std::string text = m.scrape(0);
  EXPECT_TRUE(has_line(text, R"(certgate_decisions_total{host_block="default",mapping="partners",result="allow"} 2)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(certgate_decisions_total{host_block="default",mapping="",result="deny"} 1)")) << text;
}

TEST(Metrics, ReloadsAndUpstreamErrors) {
  Metrics m;
  WorkerMetrics w(m);
  m.set_loaded(1000);
  m.reload_succeeded(2000);
  m.reload_failed();
  m.reload_failed();
  w.upstream_error(UpstreamError::refused);
  w.upstream_error(UpstreamError::timeout);
  w.upstream_error(UpstreamError::timeout);
  m.upstream_response_seconds().Observe(0.003);
  std::string text = m.scrape(0);
  EXPECT_TRUE(has_line(text, R"(certgate_reloads_total{result="success"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_reloads_total{result="failure"} 2)")) << text;
  EXPECT_TRUE(has_line(text, "certgate_last_reload_success_timestamp_seconds 2000")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_upstream_errors_total{kind="refused"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_upstream_errors_total{kind="timeout"} 2)")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_upstream_response_seconds_bucket{le="0.005"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(certgate_upstream_response_seconds_bucket{le="0.0025"} 0)")) << text;
}

}  // namespace
}  // namespace certgate::metrics
