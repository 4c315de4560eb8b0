// The cause of a mapping refusal (near_miss.hpp): which mapping came nearest to admitting a verified
// certificate and why it missed. It never changes the verdict.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/near_miss.hpp"
#include "core/time_text.hpp"
#include "core_test_support.hpp"

namespace certgate::core {
namespace {

using namespace test_support;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const CertDigest& edge() {
  static const CertDigest cert = make_digest({{"C", "US"}, {"O", "CloudFlare, Inc."}, {"OU", "Origin Pull"},
                                              {"CN", "origin-pull.cloudflare.net"}},
                                             {{"O", "CloudFlare, Inc."}, {"CN", "origin-pull.cloudflare.net"}});
  return cert;
}

Decision decided(const MappingPolicy& policy, const CertDigest& cert, bool trace = false) {
  const auto compiled = compile(policy);
  return decide(*compiled, &cert, verified(), trace);
}

// The verdict of a decision, without the cause.
std::string verdict(const Decision& d) {
  return d.status_text() + "|" + d.identity + "|" + d.mapping + "|" + d.reason + "|" + std::to_string(d.admitted);
}

TEST(NearMiss, RuleThatFailsOnlyByCaseIsNamedWithBothValues) {
  const MappingPolicy policy = many_to_one_policy(
      {allow("Cloudflare edge", "cf", {subject("CN", "origin-pull.cloudflare.net"), subject("O", "Cloudflare, Inc.")})});
  const Decision d = decided(policy, edge());
  EXPECT_EQ(d.status_text(), "401.2");
  EXPECT_EQ(d.reason, "certificate verified but no mapping matched");
  EXPECT_EQ(d.cause.id, "case_only");
  EXPECT_TRUE(contains(d.cause.text, "'Cloudflare edge'")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.text, "subject.O = \"Cloudflare, Inc.\" (case-sensitive)")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.text, "\"CloudFlare, Inc.\"")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.text, "would match if compareCaseSensitive were false")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.fix, "compareCaseSensitive=\"false\"")) << d.cause.fix;
  EXPECT_TRUE(contains(d.log_reason(), "certificate verified but no mapping matched; cause: ")) << d.log_reason();
  EXPECT_TRUE(contains(d.log_reason(), "; fix: ")) << d.log_reason();
}

TEST(NearMiss, CaseOnlyKeepsTheRulesWildcard) {
  // "cloudflare*" is a prefix: "CloudFlare, Inc." matches it ignoring case; "*cloudflare" (a suffix) does not.
  EXPECT_EQ(decided(many_to_one_policy({allow("m", "u", {subject("O", "cloudflare*")})}), edge()).cause.id, "case_only");
  EXPECT_NE(decided(many_to_one_policy({allow("m", "u", {subject("O", "*cloudflare")})}), edge()).cause.id, "case_only");
}

TEST(NearMiss, CaseInsensitiveRuleIsNeverCaseOnly) {
  const Decision d = decided(many_to_one_policy({allow("m", "u", {subject("O", "Cloudflare Ltd", false)})}), edge());
  EXPECT_EQ(d.cause.id, "no_mapping_matched");
  EXPECT_TRUE(contains(d.cause.text, "the certificate has CloudFlare, Inc.")) << d.cause.text;
}

TEST(NearMiss, SubjectRuleWhoseValueIsInTheIssuer) {
  const CertDigest cert = make_digest({{"O", "Example"}, {"CN", "edge.example.com"}},
                                      {{"O", "Cloudflare, Inc."}, {"CN", "Cloudflare AOP CA"}});
  const Decision d = decided(many_to_one_policy({allow("cf", "u", {subject("O", "Cloudflare*")})}), cert);
  EXPECT_EQ(d.status_text(), "401.2");
  EXPECT_EQ(d.cause.id, "other_field");
  EXPECT_TRUE(contains(d.cause.text, "looks in the subject, but the value is in the certificate's issuer")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.text, "issuer O = \"Cloudflare, Inc.\"")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.text, "subject O: Example")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.fix, "certificateField=\"Issuer\"")) << d.cause.fix;
}

TEST(NearMiss, IssuerRuleWhoseValueIsInTheSubject) {
  const CertDigest cert = make_digest({{"O", "Shop"}, {"CN", "edge"}}, {{"CN", "Some CA"}});
  const Decision d = decided(many_to_one_policy({allow("shop", "u", {issuer("O", "Shop")})}), cert);
  EXPECT_EQ(d.cause.id, "other_field");
  EXPECT_TRUE(contains(d.cause.text, "looks in the issuer, but the value is in the certificate's subject")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.text, "issuer O: (absent)")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.fix, "certificateField=\"Subject\"")) << d.cause.fix;
}

TEST(NearMiss, ValueUnderAnotherAttributeOfTheSameField) {
  const CertDigest cert = make_digest({{"O", "Example"}, {"CN", "edge"}});
  const Decision d = decided(many_to_one_policy({allow("m", "u", {subject("OU", "edge")})}), cert);
  EXPECT_EQ(d.cause.id, "other_attribute");
  EXPECT_TRUE(contains(d.cause.text, "has \"edge\" as CN, not as OU")) << d.cause.text;
}

TEST(NearMiss, TheMappingThatComesNearestIsNamed) {
  const MappingPolicy policy = many_to_one_policy({
      allow("far", "f", {subject("CN", "other.example.com"), subject("O", "Other")}),
      allow("near", "n", {subject("CN", "origin-pull.cloudflare.net"), subject("O", "Cloudflare, Inc.")}),
  });
  const Decision d = decided(policy, edge());
  EXPECT_EQ(d.cause.id, "case_only");
  EXPECT_TRUE(contains(d.cause.text, "mapping 'near'")) << d.cause.text;
  EXPECT_FALSE(contains(d.cause.text, "'far'")) << d.cause.text;
}

TEST(NearMiss, NoNearMissNamesTheClosestMappingAndTheCertificatesValue) {
  const MappingPolicy policy = many_to_one_policy({
      allow("two", "t", {subject("CN", "a.example.com"), subject("OU", "x")}),
      allow("one", "o", {subject("CN", "b.example.com")}),
  });
  const Decision d = decided(policy, edge());
  EXPECT_EQ(d.cause.id, "no_mapping_matched");
  EXPECT_TRUE(contains(d.cause.text, "the nearest, mapping 'one', fails 1 of 1 rules")) << d.cause.text;
  EXPECT_TRUE(contains(d.cause.text, "the certificate has origin-pull.cloudflare.net")) << d.cause.text;
}

TEST(NearMiss, DenyMappingsAreNotNearMisses) {
  const MappingPolicy policy = many_to_one_policy({deny("block", {subject("O", "cloudflare, inc.")}),
                                                   allow("other", "u", {subject("CN", "x")})});
  const Decision d = decided(policy, edge());
  EXPECT_EQ(d.status_text(), "401.2");
  EXPECT_FALSE(contains(d.cause.text, "'block'")) << d.cause.text;
}

TEST(NearMiss, TraceRuleNoteSaysCaseOnly) {
  const Decision d = decided(many_to_one_policy({allow("m", "u", {subject("O", "Cloudflare, Inc.")})}), edge(), true);
  bool found = false;
  for (const TraceStep& step : d.trace) {
    if (step.kind == TraceStep::Kind::rule) {
      EXPECT_TRUE(contains(step.note, "would match if compareCaseSensitive were false")) << step.note;
      found = true;
    }
    if (step.kind == TraceStep::Kind::cause) {
      EXPECT_EQ(step.label, d.cause.id);
      EXPECT_EQ(step.note, cause_line(d.cause));
    }
  }
  EXPECT_TRUE(found);
}

// Stand-in for tls::digest_of_der: the test's "DER" strings name digests made in the test.
CertDescriber describer(const std::map<std::string, CertDigest>& known) {
  return [known](const std::string& der) -> std::optional<CertDigest> {
    const auto it = known.find(der);
    if (it == known.end()) return std::nullopt;
    return it->second;
  };
}

CertDigest with_validity(CertDigest cert, std::int64_t from, std::int64_t to, std::string serial) {
  cert.not_before = from;
  cert.not_after = to;
  cert.serial_hex = std::move(serial);
  return cert;
}

TEST(NearMiss, ReissuedCertificateShowsBothFingerprintsAndValidity) {
  const Attributes subject_name = {{"O", "Example"}, {"CN", "edge.example.com"}};
  const CertDigest old_cert = with_validity(make_digest(subject_name, {{"CN", "Test CA"}}, "old DER"),
                                            *unix_time(2025, 1, 1), *unix_time(2026, 1, 1), "01AA");
  const CertDigest new_cert = with_validity(make_digest(subject_name, {{"CN", "Test CA"}}, "new DER"),
                                            *unix_time(2026, 1, 1), *unix_time(2027, 1, 1), "02BB");
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("edge", old_cert, "EDGE")};
  const auto compiled = CompiledPolicy::compile(policy, ClientCertMode::require, describer({{"old DER", old_cert}}));
  const Decision d = decide(*compiled, &new_cert, verified());
  EXPECT_EQ(d.status_text(), "401.2");
  EXPECT_EQ(d.cause.id, "one_to_one_reissued");
  for (const std::string& part : {old_cert.sha256_hex, new_cert.sha256_hex, std::string("2025-01-01T00:00:00Z"),
                                  std::string("2027-01-01T00:00:00Z"), std::string("01AA"), std::string("02BB"),
                                  std::string("same subject and issuer"), std::string("'edge' (user 'EDGE')")}) {
    EXPECT_TRUE(contains(d.cause.text, part)) << part << " in " << d.cause.text;
  }
  EXPECT_TRUE(contains(d.cause.fix, "--to iis-blob")) << d.cause.fix;

  // Without a describer (nothing read the mapping's certificate) there is no such claim.
  EXPECT_NE(decide(*compile(policy), &new_cert, verified()).cause.id, "one_to_one_reissued");
}

TEST(NearMiss, SameSubjectFromAnotherIssuerSaysSo) {
  const CertDigest old_cert = make_digest({{"CN", "edge"}}, {{"CN", "Old CA"}}, "old");
  const CertDigest new_cert = make_digest({{"CN", "edge"}}, {{"CN", "New CA"}}, "new");
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("edge", old_cert, "EDGE")};
  const auto compiled = CompiledPolicy::compile(policy, ClientCertMode::require, describer({{"old", old_cert}}));
  const Decision d = decide(*compiled, &new_cert, verified());
  EXPECT_EQ(d.cause.id, "one_to_one_reissued");
  EXPECT_TRUE(contains(d.cause.text, "same subject (issuer 'CN=Old CA')")) << d.cause.text;
}

TEST(NearMiss, DisabledOneToOneHoldingTheCertificate) {
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("edge", edge(), "EDGE", /*enabled=*/false)};
  const Decision d = decided(policy, edge());
  EXPECT_EQ(d.status_text(), "401.2");
  EXPECT_EQ(d.cause.id, "one_to_one_disabled");
}

TEST(NearMiss, SwitchedOffManyToOneThatWouldAdmit) {
  MappingPolicy policy = many_to_one_policy({allow("cf", "u", {subject("O", "CloudFlare, Inc.")})});
  policy.many_to_one_enabled = false;
  const Decision d = decided(policy, edge());
  EXPECT_EQ(d.status_text(), "401.2");
  EXPECT_EQ(d.cause.id, "many_to_one_switched_off");
  EXPECT_TRUE(contains(d.cause.fix, "many_to_one_enabled = true")) << d.cause.fix;
}

TEST(NearMiss, TheDiagnosisNeverChangesTheVerdict) {
  const std::vector<MappingPolicy> policies = {
      many_to_one_policy({allow("m", "u", {subject("O", "Cloudflare, Inc.")})}),
      many_to_one_policy({allow("m", "u", {subject("O", "Cloudflare, Inc.")})}, /*anonymous=*/true),
      many_to_one_policy({allow("m", "u", {subject("O", "CloudFlare, Inc.")})}),
      many_to_one_policy({deny("d", {subject("O", "CloudFlare, Inc.")})}),
  };
  for (const MappingPolicy& policy : policies) {
    const Decision plain = decided(policy, edge());
    const Decision traced = decided(policy, edge(), true);
    EXPECT_EQ(verdict(plain), verdict(traced));
    // Only a refusal that no mapping decided gets a near-miss cause; admissions and deny verdicts have none.
    if (plain.admitted || plain.substatus == 12) {
      EXPECT_TRUE(plain.cause.empty()) << plain.cause.text;
    }
  }
  EXPECT_EQ(verdict(decided(policies[0], edge())), "401.2|||certificate verified but no mapping matched|0");
}

TEST(NearMiss, VerificationCauseIsTheDecisionsCause) {
  VerifyResult verify = failed(VerifyStatus::untrusted, 20, 0, "unable to get local issuer certificate");
  verify.cause = Cause{"missing_issuer", "the issuer is missing", "send the chain"};
  const auto compiled = compile(many_to_one_policy({allow("m", "u", {})}));
  const Decision d = decide(*compiled, &edge(), verify, true);
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_EQ(d.cause.id, "missing_issuer");
  EXPECT_EQ(d.log_reason(), "unable to get local issuer certificate; cause: the issuer is missing; fix: send the chain");
  ASSERT_GE(d.trace.size(), 2u);
  EXPECT_EQ(d.trace[d.trace.size() - 2].kind, TraceStep::Kind::cause);
}

TEST(NearMiss, CauseNeverBreaksALine) {
  VerifyResult verify = failed(VerifyStatus::untrusted, 20, 0, "unable to get local issuer certificate");
  verify.cause = Cause{"missing_issuer", "issuer 'CN=a\r\nX-Injected: 1' is missing", "send\nthe chain"};
  const auto compiled = compile(many_to_one_policy({allow("m", "u", {})}));
  const Decision d = decide(*compiled, &edge(), verify);
  EXPECT_EQ(d.cause.text, "issuer 'CN=a\\x0D\\x0AX-Injected: 1' is missing");
  EXPECT_EQ(d.log_reason().find('\n'), std::string::npos);

  const CertDigest hostile = make_digest({{"O", "EXAMPLE\r\nX: 1"}});
  const Decision m = decided(many_to_one_policy({allow("m", "u", {subject("O", "example\r\nx: 1")})}), hostile);
  EXPECT_EQ(m.cause.id, "case_only");
  EXPECT_EQ(m.log_reason().find_first_of("\r\n"), std::string::npos) << m.log_reason();
}

TEST(NearMiss, LogReasonWithoutCauseIsTheReason) {
  const auto compiled = compile(many_to_one_policy({allow("m", "u", {})}));
  const Decision d = decide(*compiled, nullptr, VerifyResult{});
  EXPECT_EQ(d.log_reason(), "client certificate required");
}

TEST(DurationText, TwoLargestUnits) {
  EXPECT_EQ(duration_text(3 * 86400 + 4 * 3600 + 59), "3 days 4 hours");
  EXPECT_EQ(duration_text(-(2 * 3600 + 5 * 60)), "2 hours 5 minutes");
  EXPECT_EQ(duration_text(40), "40 seconds");
  EXPECT_EQ(duration_text(86400), "1 day");
  EXPECT_EQ(duration_text(0), "0 seconds");
}

}  // namespace
}  // namespace certgate::core
