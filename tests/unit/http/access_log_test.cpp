#include "http/access_log.hpp"

#include <gtest/gtest.h>

#include "http/identity.hpp"
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

TEST(AccessLog, JsonEscapesControlCharacters) {
  EXPECT_EQ(http_log::json_escape("a\nb\x01"), "a\\nb\\u0001");
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

}  // namespace
}  // namespace certgate
