#include "tls/ocsp_verdict.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace certgate::tls {
namespace {

OcspLookup lookup(int depth, OcspAnswer::Status status, std::string detail = "", std::time_t expires = 0) {
  OcspLookup l;
  l.depth = depth;
  l.subject = depth == 0 ? "CN=edge" : "CN=Issuing CA";
  l.serial = depth == 0 ? "0A" : "0B";
  l.responder = "http://127.0.0.1:9/";
  l.answer.status = status;
  l.answer.detail = std::move(detail);
  l.expires = expires;
  return l;
}

TEST(OcspVerdict, AllGoodAdmitsUntilTheSoonestExpiry) {
  auto v = ocsp_verdict({lookup(0, OcspAnswer::Status::good, "", 5000), lookup(1, OcspAnswer::Status::good, "", 4000)},
                        config::OcspFail::closed, 1000);
  EXPECT_FALSE(v.refused);
  EXPECT_TRUE(v.warning.empty());
  EXPECT_EQ(v.valid_until, 4000);
}

TEST(OcspVerdict, NoLookupsChangeNothing) {
  auto v = ocsp_verdict({}, config::OcspFail::closed, 1000);
  EXPECT_FALSE(v.refused);
  EXPECT_EQ(v.valid_until, std::numeric_limits<std::time_t>::max());
}

TEST(OcspVerdict, RevokedIsRefusedAsRevokedNamingTheResponder) {
  auto v = ocsp_verdict({lookup(0, OcspAnswer::Status::good, "", 5000),
                         lookup(1, OcspAnswer::Status::revoked, "at 2026-01-01T00:00:00Z, reason keyCompromise")},
                        config::OcspFail::open, 1000);
  ASSERT_TRUE(v.refused);
  EXPECT_EQ(v.verify.status, core::VerifyStatus::revoked);
  EXPECT_EQ(v.verify.depth, 1);
  EXPECT_EQ(v.verify.reason, "certificate revoked (OCSP responder http://127.0.0.1:9/: revoked at "
                             "2026-01-01T00:00:00Z, reason keyCompromise)");
  EXPECT_EQ(v.verify.cause.id, "ocsp_revoked");
}

TEST(OcspVerdict, RevokedWinsOverAnEarlierFailure) {
  auto v = ocsp_verdict({lookup(0, OcspAnswer::Status::error, "is unreachable: connection refused"),
                         lookup(1, OcspAnswer::Status::revoked, "at x")},
                        config::OcspFail::closed, 1000);
  ASSERT_TRUE(v.refused);
  EXPECT_EQ(v.verify.status, core::VerifyStatus::revoked);
}

TEST(OcspVerdict, FailClosedRefusesUnknownAndUnreachableAsUnverifiable) {
  auto unknown = ocsp_verdict({lookup(0, OcspAnswer::Status::unknown)}, config::OcspFail::closed, 1000);
  ASSERT_TRUE(unknown.refused);
  EXPECT_EQ(unknown.verify.status, core::VerifyStatus::untrusted);
  EXPECT_EQ(unknown.verify.reason, "revocation status unknown: OCSP responder http://127.0.0.1:9/ answered 'unknown'");
  EXPECT_EQ(unknown.verify.cause.id, "ocsp_unknown");

  auto down = ocsp_verdict({lookup(0, OcspAnswer::Status::error, "is unreachable: connection refused")},
                           config::OcspFail::closed, 1000);
  ASSERT_TRUE(down.refused);
  EXPECT_EQ(down.verify.status, core::VerifyStatus::untrusted);
  EXPECT_EQ(down.verify.reason,
            "revocation status unknown: OCSP responder http://127.0.0.1:9/ is unreachable: connection refused");
  EXPECT_EQ(down.verify.cause.id, "ocsp_unavailable");
}

TEST(OcspVerdict, NoResponderIsSaidWithoutAUrl) {
  OcspLookup l = lookup(0, OcspAnswer::Status::error, "no OCSP responder to ask: ...");
  l.responder.clear();
  auto v = ocsp_verdict({l}, config::OcspFail::closed, 1000);
  ASSERT_TRUE(v.refused);
  EXPECT_EQ(v.verify.reason, "revocation status unknown: no OCSP responder to ask: ...");
}

TEST(OcspVerdict, FailOpenAdmitsWithAWarningAndRetriesSoon) {
  auto v = ocsp_verdict({lookup(0, OcspAnswer::Status::error, "is unreachable: connection refused")},
                        config::OcspFail::open, 1000);
  EXPECT_FALSE(v.refused);
  EXPECT_EQ(v.warning, "revocation status of the certificate 'CN=edge' (serial 0A) unknown: OCSP responder "
                       "http://127.0.0.1:9/ is unreachable: connection refused");
  EXPECT_EQ(v.valid_until, 1000 + kRetryAfterFailure);
}

}  // namespace
}  // namespace certgate::tls
