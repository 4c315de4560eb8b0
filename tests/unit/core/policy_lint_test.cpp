#include "core/policy_lint.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core_test_support.hpp"

namespace certgate::core {
namespace {

using namespace test_support;

PolicyContext block(bool has_client_ca = true) { return PolicyContext{"default", SourcePos{"certgate.toml", 5, 1}, SourcePos{}, has_client_ca}; }

std::vector<std::string> codes(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.code);
  return out;
}

ManyToOneMapping at(ManyToOneMapping mapping, int line) {
  mapping.where = SourcePos{"certgate.toml", line, 1};
  return mapping;
}

TEST(PolicyLint, CleanPolicyHasNoFindings) {
  MappingPolicy policy = many_to_one_policy({allow("edge", "edge-user", {subject("CN", "edge.example.com")}),
                                             allow("other", "other-user", {subject("CN", "other.example.com")})});
  EXPECT_TRUE(lint_policy(policy, ClientCertMode::require, block()).empty());
}

TEST(PolicyLint, AnonymousWithRequireIsAContradiction) {
  MappingPolicy policy = many_to_one_policy({allow("edge", "u", {subject("CN", "edge")})}, /*anonymous=*/true);
  const auto findings = lint_policy(policy, ClientCertMode::require, block());
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG201"});
  EXPECT_EQ(findings[0].where.to_string(), "certgate.toml:5:1");
  EXPECT_EQ(findings[0].hosts, std::vector<std::string>{"default"});
  EXPECT_FALSE(findings[0].fix.empty());
}

TEST(PolicyLint, AcceptWithAnonymousLetsRequestsWithoutCertificateThrough) {
  MappingPolicy policy = many_to_one_policy({allow("edge", "u", {subject("CN", "edge")})}, /*anonymous=*/true);
  const auto findings = lint_policy(policy, ClientCertMode::accept, block());
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG208"});
  EXPECT_EQ(findings[0].where.to_string(), "certgate.toml:5:1");
  EXPECT_NE(findings[0].message.find("without a client certificate reaches the origin"), std::string::npos);
  EXPECT_NE(findings[0].fix.find("SslRequireCert"), std::string::npos);
  policy.anonymous = false;
  EXPECT_TRUE(lint_policy(policy, ClientCertMode::accept, block()).empty()) << "accept without anonymous: 401.2";
}

TEST(PolicyLint, ModeFindingsPointAtWhatSetTheMode) {
  MappingPolicy policy = many_to_one_policy({allow("edge", "u", {subject("CN", "edge")})}, /*anonymous=*/false);
  PolicyContext context = block();
  context.mode_where = SourcePos{"web.config", 5, 7};  // <access sslFlags="Ssl">
  const auto ignored = lint_policy(policy, ClientCertMode::ignore, context);
  ASSERT_EQ(codes(ignored), (std::vector<std::string>{"CG202", "CG203"}));
  EXPECT_EQ(ignored[0].where.to_string(), "web.config:5:7");
  EXPECT_EQ(ignored[1].where.to_string(), "web.config:5:7");
  policy.anonymous = true;
  const auto accepted = lint_policy(policy, ClientCertMode::accept, context);
  ASSERT_EQ(codes(accepted), std::vector<std::string>{"CG208"});
  EXPECT_EQ(accepted[0].where.to_string(), "web.config:5:7");
  // Findings that are not about the mode keep the block's position.
  const auto no_ca = lint_policy(policy, ClientCertMode::require, PolicyContext{"default", SourcePos{"certgate.toml", 5, 1},
                                                                               SourcePos{"--mode"}, false});
  ASSERT_EQ(codes(no_ca), (std::vector<std::string>{"CG106", "CG201"}));
  EXPECT_EQ(no_ca[0].where.to_string(), "certgate.toml:5:1");
  EXPECT_EQ(no_ca[1].where.to_string(), "--mode");
}

TEST(PolicyLint, IgnoreWithMappingsNeverAppliesThem) {
  MappingPolicy policy = many_to_one_policy({allow("edge", "u", {subject("CN", "edge")})}, /*anonymous=*/true);
  const auto findings = lint_policy(policy, ClientCertMode::ignore, block());
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG202"});
  EXPECT_NE(findings[0].message.find("1 mapping "), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].message.find("reaches the origin without an identity"), std::string::npos);
  policy.anonymous = false;
  const auto refused = lint_policy(policy, ClientCertMode::ignore, block());
  ASSERT_EQ(codes(refused), (std::vector<std::string>{"CG202", "CG203"}));
  EXPECT_NE(refused[0].message.find("every request is refused with 401.2"), std::string::npos) << refused[0].message;
  EXPECT_NE(refused[0].fix.find("SslNegotiateCert"), std::string::npos);
}

TEST(PolicyLint, IgnoreWithoutAnonymousRefusesEverything) {
  MappingPolicy policy;  // no mappings, anonymous off
  EXPECT_EQ(codes(lint_policy(policy, ClientCertMode::ignore, block(false))), std::vector<std::string>{"CG203"});
  policy.anonymous = true;
  EXPECT_TRUE(lint_policy(policy, ClientCertMode::ignore, block(false)).empty())
      << "mode ignore needs no client_ca and admits anonymously";
}

TEST(PolicyLint, NoMappingsWithoutChainOnlyRefusesEveryCertificate) {
  MappingPolicy policy;  // nothing configured, chain_only not set
  for (ClientCertMode mode : {ClientCertMode::accept, ClientCertMode::require}) {
    const auto findings = lint_policy(policy, mode, block());
    ASSERT_EQ(codes(findings), std::vector<std::string>{"CG207"}) << to_string(mode);
    EXPECT_EQ(findings[0].severity, Severity::warning);
    EXPECT_EQ(findings[0].where.to_string(), "certgate.toml:5:1") << "the block, when the policy has no position";
    EXPECT_NE(findings[0].message.find("refused with 401.2"), std::string::npos) << findings[0].message;
    EXPECT_NE(findings[0].fix.find("chain_only = true"), std::string::npos) << findings[0].fix;
    EXPECT_NE(findings[0].fix.find("--chain-only"), std::string::npos) << findings[0].fix;
  }
  policy.where = SourcePos{"web.config", 9, 11};  // the [mapping] table or the IIS section
  EXPECT_EQ(lint_policy(policy, ClientCertMode::require, block())[0].where.to_string(), "web.config:9:11");

  policy.anonymous = true;
  const auto anonymous = lint_policy(policy, ClientCertMode::accept, block());
  ASSERT_EQ(codes(anonymous), (std::vector<std::string>{"CG208", "CG207"}));
  EXPECT_NE(anonymous[1].message.find("admitted without an identity"), std::string::npos) << anonymous[1].message;
}

TEST(PolicyLint, ChosenChainOnlyAndModeIgnoreAreNotCg207) {
  MappingPolicy chain;
  chain.chain_only = true;
  EXPECT_TRUE(lint_policy(chain, ClientCertMode::require, block()).empty());
  MappingPolicy none;
  none.anonymous = true;
  EXPECT_TRUE(lint_policy(none, ClientCertMode::ignore, block()).empty()) << "mode ignore requests no certificate";
  // Mappings that are all disabled are reported by what disables them, not as "no mappings".
  MappingPolicy disabled = many_to_one_policy({allow("off", "u", {subject("CN", "x")}, /*enabled=*/false)});
  EXPECT_TRUE(lint_policy(disabled, ClientCertMode::require, block()).empty());
}

TEST(PolicyLint, RequestedCertificatesNeedAClientCa) {
  MappingPolicy policy = many_to_one_policy({allow("edge", "u", {subject("CN", "edge")})});
  const auto findings = lint_policy(policy, ClientCertMode::require, block(/*has_client_ca=*/false));
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG106"});
  EXPECT_NE(findings[0].message.find("403.7"), std::string::npos);
  EXPECT_EQ(codes(lint_policy(policy, ClientCertMode::accept, block(false))), std::vector<std::string>{"CG106"});
}

TEST(PolicyLint, SwitchedOffMappingsNeverApply) {
  MappingPolicy policy = many_to_one_policy({allow("edge", "u", {subject("CN", "edge")})});
  policy.many_to_one_enabled = false;
  policy.one_to_one = {one_to_one("pinned", make_digest({{"CN", "pinned"}}), "p")};
  policy.one_to_one_enabled = false;
  EXPECT_EQ(codes(lint_policy(policy, ClientCertMode::require, block())), (std::vector<std::string>{"CG204", "CG204"}));
}

TEST(PolicyLint, CountryLongerThanTwoLettersNeverMatches) {
  MappingPolicy policy = many_to_one_policy({allow("usa", "u", {subject("C", "USA")})});
  const auto findings = lint_policy(policy, ClientCertMode::require, block());
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG205"});
  EXPECT_NE(findings[0].message.find("two letters"), std::string::npos);
  // The lint agrees with the decision: a certificate with C=USA is not admitted by it either.
  EXPECT_FALSE(decide_verified(policy, make_digest({{"C", "US"}, {"CN", "x"}})).admitted);
}

TEST(PolicyLint, CountryRulesThatCanMatchAreNotReported) {
  for (const char* match : {"US", "U*", "*S", "*", "*US*"}) {
    MappingPolicy policy = many_to_one_policy({allow("c", "u", {subject("C", match)})});
    EXPECT_TRUE(lint_policy(policy, ClientCertMode::require, block()).empty()) << match;
  }
  // A prefix of three letters cannot fit in two.
  EXPECT_FALSE(never_matches_reason(subject("C", "USA*")).empty());
}

TEST(PolicyLint, LowerCaseCountryIsCaseSensitiveNeverMatch) {
  EXPECT_FALSE(never_matches_reason(subject("C", "us")).empty());
  EXPECT_TRUE(never_matches_reason(subject("C", "us", /*case_sensitive=*/false)).empty());
  EXPECT_TRUE(never_matches_reason(subject("2.5.4.6", "US")).empty());
  EXPECT_FALSE(never_matches_reason(issuer("2.5.4.6", "DEU")).empty()) << "by OID, on the issuer too";
}

TEST(PolicyLint, EmptyMatchNeverMatches) {
  EXPECT_FALSE(never_matches_reason(subject("CN", "")).empty());
  EXPECT_TRUE(never_matches_reason(subject("CN", "**")).empty());
}

TEST(PolicyLint, StarInsideTheValueIsALiteral) {
  MappingPolicy policy = many_to_one_policy({allow("mid", "u", {subject("CN", "edge*.example.com")})});
  ASSERT_EQ(codes(lint_policy(policy, ClientCertMode::require, block())), std::vector<std::string>{"CG206"});
  // As the decision sees it: the star is literal.
  EXPECT_FALSE(decide_verified(policy, make_digest({{"CN", "edge1.example.com"}})).admitted);
  policy = many_to_one_policy({allow("ends", "u", {subject("CN", "*.example.*")})});
  EXPECT_TRUE(lint_policy(policy, ClientCertMode::require, block()).empty());
}

TEST(PolicyLint, MappingWithoutRulesShadowsLaterOnes) {
  MappingPolicy policy = many_to_one_policy(
      {at(allow("all", "everyone", {}), 10), at(allow("edge", "u", {subject("CN", "edge")}), 20)});
  const auto findings = lint_policy(policy, ClientCertMode::require, block());
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG211"});
  EXPECT_EQ(findings[0].where.line, 20) << "reported at the mapping that never applies";
  EXPECT_NE(findings[0].message.find("certgate.toml:10:1"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].message.find("no rules"), std::string::npos);
}

TEST(PolicyLint, WiderEarlierRuleShadowsNarrowerLaterOne) {
  MappingPolicy policy = many_to_one_policy({allow("example", "a", {subject("CN", "*.example.com")}),
                                             allow("edge", "b", {subject("CN", "edge.example.com"), subject("O", "X")})});
  EXPECT_EQ(codes(lint_policy(policy, ClientCertMode::require, block())), std::vector<std::string>{"CG211"});
  // The decision agrees: the certificate 'edge' was written for gets user a.
  EXPECT_EQ(decide_verified(policy, make_digest({{"O", "X"}, {"CN", "edge.example.com"}})).identity, "a");
}

TEST(PolicyLint, NarrowerEarlierRuleDoesNotShadow) {
  MappingPolicy policy = many_to_one_policy({allow("edge", "b", {subject("CN", "edge.example.com")}),
                                             allow("example", "a", {subject("CN", "*.example.com")})});
  EXPECT_TRUE(lint_policy(policy, ClientCertMode::require, block()).empty());
}

TEST(PolicyLint, DisabledMappingsNeitherShadowNorAreShadowed) {
  MappingPolicy policy = many_to_one_policy(
      {allow("all", "everyone", {}, /*enabled=*/false), allow("edge", "u", {subject("CN", "edge")}),
       allow("later", "v", {subject("CN", "edge")}, /*enabled=*/false)});
  EXPECT_TRUE(lint_policy(policy, ClientCertMode::require, block()).empty());
}

TEST(PolicyLint, IdenticalRuleSetsAreDuplicates) {
  MappingPolicy policy = many_to_one_policy({allow("one", "u", {subject("CN", "edge"), issuer("CN", "CA")}),
                                             allow("two", "v", {issuer("CN", "CA"), subject("2.5.4.3", "edge")})});
  const auto findings = lint_policy(policy, ClientCertMode::require, block());
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG212"});
  EXPECT_NE(findings[0].message.find("'two' duplicates mapping 'one'"), std::string::npos) << findings[0].message;
}

TEST(PolicyLint, DenyAfterAllowAllNeverApplies) {
  MappingPolicy policy = many_to_one_policy({allow("all", "everyone", {}), deny("block", {subject("CN", "bad")})});
  const auto findings = lint_policy(policy, ClientCertMode::require, block());
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG213"});
  EXPECT_NE(findings[0].fix.find("move 'block' before 'all'"), std::string::npos);
  EXPECT_TRUE(decide_verified(policy, make_digest({{"CN", "bad"}})).admitted) << "the deny really never applies";

  // Deny first is the right order: nothing to report.
  policy = many_to_one_policy({deny("block", {subject("CN", "bad")}), allow("all", "everyone", {})});
  EXPECT_TRUE(lint_policy(policy, ClientCertMode::require, block()).empty());
}

TEST(PolicyLint, UnknownSubfieldIsAnErrorNotACrash) {
  MappingPolicy policy = many_to_one_policy({allow("typo", "u", {subject("CNN", "edge")})});
  const auto findings = lint_policy(policy, ClientCertMode::require, block());
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG001"});
  EXPECT_EQ(findings[0].severity, Severity::error);
}

TEST(RuleCovers, WildcardKinds) {
  EXPECT_TRUE(rule_covers(subject("CN", "*"), subject("CN", "anything*")));
  EXPECT_TRUE(rule_covers(subject("CN", "edge*"), subject("CN", "edge.example.com")));
  EXPECT_TRUE(rule_covers(subject("CN", "edge*"), subject("CN", "edge.ex*")));
  EXPECT_FALSE(rule_covers(subject("CN", "edge*"), subject("CN", "*edge")));
  EXPECT_TRUE(rule_covers(subject("CN", "*.com"), subject("CN", "*.example.com")));
  EXPECT_TRUE(rule_covers(subject("CN", "*ample*"), subject("CN", "ex*ample.com"))) << "a literal '*' in the middle";
  EXPECT_TRUE(rule_covers(subject("CN", "*ample*"), subject("CN", "*example*")));
  EXPECT_FALSE(rule_covers(subject("CN", "edge"), subject("CN", "edge*")));
  EXPECT_FALSE(rule_covers(subject("CN", "*"), issuer("CN", "x"))) << "another field";
  EXPECT_FALSE(rule_covers(subject("CN", "*"), subject("O", "x"))) << "another attribute";
  EXPECT_TRUE(rule_covers(subject("S", "*"), subject("ST", "x"))) << "S and ST are one attribute";
}

TEST(RuleCovers, CaseSensitivity) {
  EXPECT_TRUE(rule_covers(subject("CN", "EDGE", false), subject("CN", "edge")));
  EXPECT_TRUE(rule_covers(subject("CN", "edge", false), subject("CN", "EDGE", false)));
  EXPECT_FALSE(rule_covers(subject("CN", "edge"), subject("CN", "EDGE", false)));
  EXPECT_FALSE(rule_covers(subject("CN", "edge"), subject("CN", "edge", false))) << "'EDGE' passes only the latter";
  EXPECT_TRUE(rule_covers(subject("CN", "123"), subject("CN", "123", false))) << "no letters: case cannot matter";
}

TEST(MappingCovers, EveryEarlierRuleMustCoverSomeLaterRule) {
  const ManyToOneMapping earlier = allow("e", "u", {subject("CN", "*.example.com"), issuer("O", "CA")});
  EXPECT_TRUE(mapping_covers(earlier, allow("l", "u", {issuer("O", "CA"), subject("CN", "a.example.com"), subject("OU", "x")})));
  EXPECT_FALSE(mapping_covers(earlier, allow("l", "u", {subject("CN", "a.example.com")})));
  EXPECT_TRUE(mapping_covers(allow("none", "u", {}), allow("l", "u", {subject("CN", "x")})));
  EXPECT_FALSE(mapping_covers(allow("l", "u", {subject("CN", "x")}), allow("none", "u", {})));
}

TEST(MergeFindings, SameFindingInSeveralBlocksIsListedOnce) {
  Finding a{"CG205", Severity::warning, SourcePos{"f", 3, 1}, {"default"}, "msg", "fix"};
  Finding b = a;
  b.hosts = {"api.example.com"};
  Finding c = a;
  c.where.line = 4;
  const auto merged = merge_findings({a, b, c});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].hosts, (std::vector<std::string>{"default", "api.example.com"}));
  EXPECT_EQ(merged[1].where.line, 4);
}

TEST(PolicyLint, ReportOnlyTurnsNoOneAway) {
  MappingPolicy policy = many_to_one_policy({allow("edge", "u", {subject("CN", "edge")})});
  PolicyContext context = block();
  EXPECT_TRUE(lint_policy(policy, ClientCertMode::require, context).empty());
  context.enforcement = Enforcement::report_only;
  context.enforce_where = SourcePos{"certgate.toml", 9, 11};
  const auto findings = lint_policy(policy, ClientCertMode::require, context);
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG209"});
  EXPECT_EQ(findings[0].where.to_string(), "certgate.toml:9:11");
  EXPECT_NE(findings[0].message.find("would_refuse"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].fix.find("certgate report"), std::string::npos) << findings[0].fix;
  context.enforce_where = SourcePos{};
  EXPECT_EQ(lint_policy(policy, ClientCertMode::require, context)[0].where.to_string(), "certgate.toml:5:1");
}

}  // namespace
}  // namespace certgate::core
