// The trace decide() builds for `certgate explain`.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core_test_support.hpp"

namespace certgate::core {
namespace {

using namespace test_support;
using Kind = TraceStep::Kind;

const CertDigest& web() {
  static const CertDigest cert =
      make_digest({{"O", "Contoso"}, {"OU", "Engineering"}, {"OU", "Ops"}, {"CN", "web01.example.com"}});
  return cert;
}

Decision traced(const MappingPolicy& policy, const CertDigest* cert, const VerifyResult& verify,
                ClientCertMode mode = ClientCertMode::require) {
  const auto compiled = compile(policy, mode);
  return decide(*compiled, cert, verify, /*want_trace=*/true);
}

std::vector<Kind> kinds(const Decision& d) {
  std::vector<Kind> out;
  for (const TraceStep& step : d.trace) out.push_back(step.kind);
  return out;
}

const TraceStep* find_step(const Decision& d, Kind kind, const std::string& label) {
  for (const TraceStep& step : d.trace) {
    if (step.kind == kind && step.label == label) return &step;
  }
  return nullptr;
}

TEST(Trace, EmptyWithoutWantTrace) {
  const auto compiled = compile(many_to_one_policy({allow("ops", "OPS", {subject("OU", "Ops")})}));
  EXPECT_TRUE(decide(*compiled, &web(), verified()).trace.empty());
}

TEST(Trace, RuleStepShowsPatternActualValuesAndOutcome) {
  const Decision d = traced(many_to_one_policy({allow("eng", "ENG", {subject("CN", "*.example.com"),
                                                                      subject("OU", "ops", false)})}),
                            &web(), verified());
  const TraceStep* cn = find_step(d, Kind::rule, "subject.CN = \"*.example.com\" (case-sensitive)");
  ASSERT_NE(cn, nullptr);
  EXPECT_EQ(cn->actual, "web01.example.com");
  EXPECT_TRUE(cn->matched);
  EXPECT_FALSE(cn->note.empty());

  const TraceStep* ou = find_step(d, Kind::rule, "subject.OU = \"ops\" (case-insensitive)");
  ASSERT_NE(ou, nullptr);
  EXPECT_EQ(ou->actual, "Engineering | Ops");
  EXPECT_TRUE(ou->matched);
}

TEST(Trace, AbsentAttributeAndFailedRule) {
  const Decision d = traced(many_to_one_policy({allow("m", "U", {subject("L", "*"), issuer("CN", "Other CA")})}),
                            &web(), verified());
  const TraceStep* locality = find_step(d, Kind::rule, "subject.L = \"*\" (case-sensitive)");
  ASSERT_NE(locality, nullptr);
  EXPECT_EQ(locality->actual, "(absent)");
  EXPECT_FALSE(locality->matched);
  EXPECT_NE(locality->note.find("no L attribute"), std::string::npos) << locality->note;

  // Every rule is shown, even after the first one failed.
  const TraceStep* issuer_cn = find_step(d, Kind::rule, "issuer.CN = \"Other CA\" (case-sensitive)");
  ASSERT_NE(issuer_cn, nullptr);
  EXPECT_EQ(issuer_cn->actual, "Test CA");
  EXPECT_FALSE(issuer_cn->matched);

  const TraceStep* mapping = find_step(d, Kind::mapping, "m");
  ASSERT_NE(mapping, nullptr);
  EXPECT_FALSE(mapping->matched);
  EXPECT_NE(mapping->note.find("2 of 2 rules do not match"), std::string::npos) << mapping->note;
}

TEST(Trace, StepsInOrderAndStopAfterTheDecidingMapping) {
  const Decision d = traced(many_to_one_policy({
                                allow("sales", "SALES", {subject("OU", "Sales")}),
                                deny("disabled", {}, /*enabled=*/false),
                                allow("ops", "OPS", {subject("OU", "Ops"), subject("O", "Contoso")}),
                                allow("never-reached", "X", {}),
                            }),
                            &web(), verified());
  EXPECT_EQ(kinds(d), (std::vector<Kind>{Kind::mode, Kind::mapping_mode, Kind::verify, Kind::one_to_one,
                                         Kind::mapping, Kind::rule, Kind::mapping, Kind::mapping, Kind::rule,
                                         Kind::rule, Kind::result}));
  EXPECT_EQ(d.trace[4].label, "sales");
  EXPECT_FALSE(d.trace[4].matched);
  EXPECT_EQ(d.trace[6].label, "disabled");
  EXPECT_NE(d.trace[6].note.find("disabled; skipped"), std::string::npos) << d.trace[6].note;
  EXPECT_EQ(d.trace[7].label, "ops");
  EXPECT_TRUE(d.trace[7].matched);
  EXPECT_EQ(find_step(d, Kind::mapping, "never-reached"), nullptr);
  EXPECT_EQ(d.trace.back().label, "200");
  EXPECT_EQ(d.trace.back().actual, "OPS");
  EXPECT_TRUE(d.trace.back().matched);
}

TEST(Trace, TrailingDisabledMappingsAreShownWhenNothingMatched) {
  const Decision d = traced(many_to_one_policy({allow("sales", "S", {subject("OU", "Sales")}),
                                                allow("late", "L", {}, /*enabled=*/false)}),
                            &web(), verified());
  const TraceStep* late = find_step(d, Kind::mapping, "late");
  ASSERT_NE(late, nullptr);
  EXPECT_FALSE(late->matched);
  EXPECT_EQ(kinds(d).back(), Kind::result);
  EXPECT_EQ(d.trace[d.trace.size() - 2].kind, Kind::cause);  // the refusal's cause, right before the result
  EXPECT_EQ(d.trace[d.trace.size() - 3].kind, Kind::anonymous);
  EXPECT_EQ(d.trace.back().label, "401.2");
}

TEST(Trace, VerifyFailureCarriesOpenSslReasonAndStops) {
  const Decision d = traced(many_to_one_policy({allow("ops", "OPS", {})}), &web(),
                            failed(VerifyStatus::expired, 10, 1, "certificate has expired"));
  EXPECT_EQ(kinds(d), (std::vector<Kind>{Kind::mode, Kind::mapping_mode, Kind::verify, Kind::result}));
  EXPECT_NE(d.trace[2].actual.find("certificate has expired (depth 1)"), std::string::npos) << d.trace[2].actual;
  EXPECT_FALSE(d.trace[2].matched);
  EXPECT_EQ(d.trace[3].label, "403.17");
}

TEST(Trace, OneToOneStepShowsFingerprint) {
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("web-cert", web(), "WEB")};
  const Decision d = traced(policy, &web(), verified());
  const TraceStep* step = find_step(d, Kind::one_to_one, "one-to-one");
  ASSERT_NE(step, nullptr);
  EXPECT_TRUE(step->matched);
  EXPECT_NE(step->actual.find(web().sha256_hex), std::string::npos);
  EXPECT_NE(step->note.find("web-cert"), std::string::npos) << step->note;
  EXPECT_EQ(kinds(d),
            (std::vector<Kind>{Kind::mode, Kind::mapping_mode, Kind::verify, Kind::one_to_one, Kind::result}));
}

TEST(Trace, DisabledOneToOneIsNamed) {
  MappingPolicy policy = many_to_one_policy({allow("ops", "OPS", {})});
  policy.one_to_one = {one_to_one("web-cert", web(), "WEB", /*enabled=*/false)};
  const Decision d = traced(policy, &web(), verified());
  const TraceStep* step = find_step(d, Kind::one_to_one, "one-to-one");
  ASSERT_NE(step, nullptr);
  EXPECT_FALSE(step->matched);
  EXPECT_NE(step->note.find("disabled mapping 'web-cert'"), std::string::npos) << step->note;
}

TEST(Trace, NoCertificateWithAnonymous) {
  MappingPolicy policy = many_to_one_policy({allow("ops", "OPS", {})}, /*anonymous=*/true);
  const Decision d = traced(policy, nullptr, VerifyResult{}, ClientCertMode::accept);
  EXPECT_EQ(kinds(d), (std::vector<Kind>{Kind::mode, Kind::mapping_mode, Kind::verify, Kind::anonymous, Kind::result}));
  EXPECT_EQ(d.trace[0].actual, "accept");
  EXPECT_TRUE(d.trace[3].matched);
  EXPECT_EQ(d.trace[4].label, "200");
}

TEST(Trace, ModeIgnoreSaysTheCertificateIsDisregarded) {
  const Decision d = traced(MappingPolicy{}, &web(), verified(), ClientCertMode::ignore);
  ASSERT_FALSE(d.trace.empty());
  EXPECT_EQ(d.trace[0].kind, Kind::mode);
  EXPECT_FALSE(d.trace[0].matched);
  EXPECT_NE(d.trace[0].note.find("disregarded"), std::string::npos) << d.trace[0].note;
}

MappingPolicy chain_only() {
  MappingPolicy policy;
  policy.chain_only = true;
  return policy;
}

TEST(Trace, ChainOnlyStep) {
  const Decision d = traced(chain_only(), &web(), verified());
  const TraceStep* step = find_step(d, Kind::mapping, "(chain)");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->actual, "web01.example.com");
  EXPECT_TRUE(step->matched);
  EXPECT_NE(step->note.find("chain_only = true"), std::string::npos) << step->note;
}

TEST(Trace, MappingModeStepComesRightAfterTheMode) {
  struct Case {
    MappingPolicy policy;
    std::string actual;
    std::string note_start;
  };
  MappingPolicy disabled = many_to_one_policy({allow("off", "OFF", {}, /*enabled=*/false)});
  const std::vector<Case> cases = {
      {many_to_one_policy({allow("ops", "OPS", {})}), "mapped", "Mapped with 1 mapping (0 one-to-one, 1 many-to-one)."},
      {disabled, "mapped", "Mapped with 1 mapping (0 one-to-one, 1 many-to-one), none of them in force"},
      {chain_only(), "chain_only", "Chain-only (chain_only = true): every certificate that verifies is admitted"},
      {MappingPolicy{}, "none", "No mapping: no mappings are configured and chain_only is not set"},
  };
  for (const Case& c : cases) {
    // Also when the decision is made before the mappings (no certificate).
    for (const CertDigest* cert : {&web(), static_cast<const CertDigest*>(nullptr)}) {
      const Decision d = traced(c.policy, cert, verified());
      ASSERT_GE(d.trace.size(), 2u);
      EXPECT_EQ(d.trace[1].kind, Kind::mapping_mode);
      EXPECT_EQ(d.trace[1].actual, c.actual);
      EXPECT_EQ(d.trace[1].note.rfind(c.note_start, 0), 0u) << d.trace[1].note;
      EXPECT_EQ(d.trace[1].matched, c.actual != "none");
    }
  }
}

TEST(Trace, NoMappingSaysHowToChooseChainOnly) {
  const Decision d = traced(MappingPolicy{}, &web(), verified());
  EXPECT_EQ(kinds(d), (std::vector<Kind>{Kind::mode, Kind::mapping_mode, Kind::verify, Kind::anonymous, Kind::result}));
  EXPECT_NE(d.trace[1].note.find("refused with 401.2"), std::string::npos) << d.trace[1].note;
  EXPECT_NE(d.trace[3].note.find("chain_only = true"), std::string::npos) << d.trace[3].note;
  EXPECT_NE(d.trace[3].note.find("refused (401.2)"), std::string::npos) << d.trace[3].note;
  EXPECT_EQ(d.trace[4].label, "401.2");
}

TEST(Trace, RefusedCnIsShownEscaped) {
  const CertDigest cert = make_digest({{"CN", "edge\r\nX-Injected: 1"}});
  const Decision d = traced(chain_only(), &cert, verified());
  const TraceStep* step = find_step(d, Kind::mapping, "(chain)");
  ASSERT_NE(step, nullptr);
  EXPECT_FALSE(step->matched);
  EXPECT_EQ(step->actual, "edge\\x0D\\x0AX-Injected: 1");
  EXPECT_NE(step->note.find("control character 0x0D (CR)"), std::string::npos) << step->note;
  EXPECT_NE(step->note.find("403.16"), std::string::npos) << step->note;
  EXPECT_EQ(d.trace.back().label, "403.16");
}

TEST(Trace, RuleValuesWithControlCharactersAreEscaped) {
  const CertDigest cert = make_digest({{"OU", "a\tb"}, {"CN", "x\ny"}});
  const Decision d = traced(many_to_one_policy({allow("m", "M", {subject("CN", "nothing")})}), &cert, verified());
  const TraceStep* rule = find_step(d, Kind::rule, "subject.CN = \"nothing\" (case-sensitive)");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->actual, "x\\x0Ay");
}

TEST(Trace, SwitchedOffSectionsAreNoted) {
  MappingPolicy policy = many_to_one_policy({allow("ops", "OPS", {})});
  policy.one_to_one = {one_to_one("web-cert", web(), "WEB")};
  policy.one_to_one_enabled = false;
  policy.many_to_one_enabled = false;
  const Decision d = traced(policy, &web(), verified());
  const TraceStep* one = find_step(d, Kind::one_to_one, "one-to-one");
  ASSERT_NE(one, nullptr);
  EXPECT_NE(one->note.find("switched off"), std::string::npos);
  const TraceStep* many = find_step(d, Kind::mapping, "many-to-one");
  ASSERT_NE(many, nullptr);
  EXPECT_NE(many->note.find("switched off"), std::string::npos);
  EXPECT_EQ(d.status_text(), "401.2");
}

// Tracing must never change the outcome.
TEST(Trace, SameDecisionWithAndWithoutTrace) {
  MappingPolicy policy = many_to_one_policy({allow("sales", "S", {subject("OU", "Sales")}),
                                             deny("ops", {subject("OU", "Ops"), subject("CN", "web*")})});
  const auto compiled = compile(policy);
  const CertDigest other = make_digest({{"OU", "Sales"}});
  for (const CertDigest* cert : {&web(), &other, static_cast<const CertDigest*>(nullptr)}) {
    const Decision plain = decide(*compiled, cert, verified(), false);
    const Decision with_trace = decide(*compiled, cert, verified(), true);
    EXPECT_EQ(plain.status_text(), with_trace.status_text());
    EXPECT_EQ(plain.identity, with_trace.identity);
    EXPECT_EQ(plain.mapping, with_trace.mapping);
    EXPECT_EQ(plain.reason, with_trace.reason);
  }
}

}  // namespace
}  // namespace certgate::core
