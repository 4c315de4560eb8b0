// Many-to-one rule semantics (IIS): wildcards, case, multi-valued and missing attributes, subfield
// aliases, order, allow/deny, disabled mappings. Every case goes through decide() on a verified chain.
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace certgate::core {
namespace {

using namespace test_support;

// Admitted as "matched" when the single rule matches the certificate, else 401.2.
bool rule_admits(const MappingRule& r, const CertDigest& cert) {
  const Decision d = decide_verified(many_to_one_policy({allow("m", "matched", {r})}), cert);
  EXPECT_TRUE(d.admitted ? d.identity == "matched" : d.status_text() == "401.2") << d.status_text();
  return d.admitted;
}

const CertDigest& web_client() {
  static const CertDigest cert = make_digest(
      {{"C", "US"}, {"ST", "Washington"}, {"L", "Redmond"}, {"O", "Contoso"}, {"OU", "Engineering"},
       {"OU", "Ops"}, {"CN", "web01.example.com"}, {"emailAddress", "admin@contoso.com"}, {"2.5.4.5", "SN-0042"}},
      {{"C", "US"}, {"O", "Contoso CA"}, {"CN", "Contoso Issuing CA 2"}});
  return cert;
}

TEST(ManyToOneRule, ExactMatchesAndNot) {
  EXPECT_TRUE(rule_admits(subject("CN", "web01.example.com"), web_client()));
  EXPECT_FALSE(rule_admits(subject("CN", "web01.example"), web_client()));
}

TEST(ManyToOneRule, PrefixMatchesAndNot) {
  EXPECT_TRUE(rule_admits(subject("CN", "web01*"), web_client()));
  EXPECT_FALSE(rule_admits(subject("CN", "web02*"), web_client()));
}

TEST(ManyToOneRule, SuffixMatchesAndNot) {
  EXPECT_TRUE(rule_admits(subject("CN", "*.example.com"), web_client()));
  EXPECT_FALSE(rule_admits(subject("CN", "*.example.org"), web_client()));
}

TEST(ManyToOneRule, ContainsMatchesAndNot) {
  EXPECT_TRUE(rule_admits(subject("CN", "*example*"), web_client()));
  EXPECT_FALSE(rule_admits(subject("CN", "*contoso*"), web_client()));
}

TEST(ManyToOneRule, StarMatchesAnyPresentValue) {
  EXPECT_TRUE(rule_admits(subject("CN", "*"), web_client()));
  EXPECT_TRUE(rule_admits(subject("CN", "**"), web_client()));
}

TEST(ManyToOneRule, MiddleStarIsLiteral) {
  EXPECT_FALSE(rule_admits(subject("CN", "web01*com"), web_client()));
  EXPECT_TRUE(rule_admits(subject("CN", "a*b"), make_digest({{"CN", "a*b"}})));
  EXPECT_FALSE(rule_admits(subject("CN", "a*b"), make_digest({{"CN", "axxb"}})));
}

TEST(ManyToOneRule, CaseSensitiveByDefault) {
  EXPECT_FALSE(rule_admits(subject("CN", "WEB01.EXAMPLE.COM"), web_client()));
  EXPECT_FALSE(rule_admits(subject("O", "contoso"), web_client()));
}

TEST(ManyToOneRule, CaseInsensitiveWhenAsked) {
  EXPECT_TRUE(rule_admits(subject("CN", "WEB01.EXAMPLE.COM", false), web_client()));
  EXPECT_TRUE(rule_admits(subject("CN", "*.EXAMPLE.com", false), web_client()));
  EXPECT_TRUE(rule_admits(subject("O", "contoso", false), web_client()));
  EXPECT_FALSE(rule_admits(subject("O", "fabrikam", false), web_client()));
}

TEST(ManyToOneRule, MultiValuedAttributeMatchesIfAnyValueMatches) {
  EXPECT_TRUE(rule_admits(subject("OU", "Ops"), web_client()));          // second OU
  EXPECT_TRUE(rule_admits(subject("OU", "Engineering"), web_client()));  // first OU
  EXPECT_FALSE(rule_admits(subject("OU", "Sales"), web_client()));
}

TEST(ManyToOneRule, MissingAttributeFailsEvenForStar) {
  const CertDigest no_ou = make_digest({{"O", "Contoso"}, {"CN", "svc"}});
  EXPECT_FALSE(rule_admits(subject("OU", "*"), no_ou));
  EXPECT_FALSE(rule_admits(subject("L", "*"), no_ou));
}

TEST(ManyToOneRule, StateAsSAndAsST) {
  EXPECT_TRUE(rule_admits(subject("S", "Washington"), web_client()));
  EXPECT_TRUE(rule_admits(subject("ST", "Washington"), web_client()));
  EXPECT_FALSE(rule_admits(subject("S", "Oregon"), web_client()));
}

TEST(ManyToOneRule, LocalityAndCountry) {
  EXPECT_TRUE(rule_admits(subject("L", "Redmond"), web_client()));
  EXPECT_TRUE(rule_admits(subject("C", "US"), web_client()));
  EXPECT_FALSE(rule_admits(subject("C", "DE"), web_client()));
}

TEST(ManyToOneRule, EmailAsEAndEmailAddress) {
  EXPECT_TRUE(rule_admits(subject("E", "*@contoso.com"), web_client()));
  EXPECT_TRUE(rule_admits(subject("emailAddress", "admin@contoso.com"), web_client()));
  EXPECT_FALSE(rule_admits(subject("E", "*@fabrikam.com"), web_client()));
}

TEST(ManyToOneRule, DottedOid) {
  EXPECT_TRUE(rule_admits(subject("2.5.4.5", "SN-0042"), web_client()));  // serialNumber attribute
  EXPECT_TRUE(rule_admits(subject("2.5.4.3", "web01*"), web_client()));   // CN by OID
  EXPECT_FALSE(rule_admits(subject("2.5.4.5", "SN-0043"), web_client()));
  EXPECT_FALSE(rule_admits(subject("2.5.4.12", "*"), web_client()));      // title: absent
}

TEST(ManyToOneRule, IssuerFieldLooksAtTheIssuerOnly) {
  EXPECT_TRUE(rule_admits(issuer("CN", "Contoso Issuing CA*"), web_client()));
  EXPECT_FALSE(rule_admits(issuer("CN", "web01.example.com"), web_client()));
  EXPECT_FALSE(rule_admits(subject("CN", "Contoso Issuing CA 2"), web_client()));
  EXPECT_FALSE(rule_admits(issuer("OU", "*"), web_client()));
}

TEST(ManyToOneMapping, AllRulesMustMatch) {
  const MappingPolicy both = many_to_one_policy(
      {allow("m", "matched", {subject("O", "Contoso"), issuer("O", "Contoso CA"), subject("OU", "Ops")})});
  EXPECT_TRUE(decide_verified(both, web_client()).admitted);

  const MappingPolicy one_fails = many_to_one_policy(
      {allow("m", "matched", {subject("O", "Contoso"), issuer("O", "Other CA"), subject("OU", "Ops")})});
  EXPECT_EQ(decide_verified(one_fails, web_client()).status_text(), "401.2");
}

TEST(ManyToOneMapping, NoRulesMatchesEveryVerifiedCertificate) {
  const MappingPolicy policy = many_to_one_policy({allow("catch-all", "guest", {})});
  const Decision d = decide_verified(policy, make_digest({{"CN", "anyone"}}));
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "guest");
  EXPECT_EQ(d.mapping, "catch-all");
}

TEST(ManyToOneMapping, FirstMatchingMappingWins) {
  const MappingPolicy policy = many_to_one_policy({
      allow("sales", "SALES", {subject("OU", "Sales")}),
      allow("engineering", "ENG", {subject("OU", "Engineering")}),
      allow("ops", "OPS", {subject("OU", "Ops")}),
  });
  const Decision d = decide_verified(policy, web_client());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "ENG");
  EXPECT_EQ(d.mapping, "engineering");
  EXPECT_EQ(d.status, 200);
  EXPECT_EQ(d.substatus, 0);
}

TEST(ManyToOneMapping, DenyRefusesWith403Dot12NamingTheMapping) {
  const MappingPolicy policy = many_to_one_policy({
      deny("block-ops", {subject("OU", "Ops")}),
      allow("everyone", "USER", {}),
  });
  const Decision d = decide_verified(policy, web_client());
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status, 403);
  EXPECT_EQ(d.substatus, 12);
  EXPECT_EQ(d.status_text(), "403.12");
  EXPECT_NE(d.reason.find("block-ops"), std::string::npos) << d.reason;
  EXPECT_EQ(d.mapping, "block-ops");
  EXPECT_EQ(d.identity, "");
}

TEST(ManyToOneMapping, AllowBeforeDenyWins) {
  const MappingPolicy policy = many_to_one_policy({
      allow("engineering", "ENG", {subject("OU", "Engineering")}),
      deny("block-ops", {subject("OU", "Ops")}),
  });
  EXPECT_EQ(decide_verified(policy, web_client()).identity, "ENG");
}

TEST(ManyToOneMapping, DisabledMappingIsSkipped) {
  const MappingPolicy policy = many_to_one_policy({
      deny("block-all", {}, /*enabled=*/false),
      allow("off", "OFF", {subject("CN", "*")}, /*enabled=*/false),
      allow("on", "ON", {subject("CN", "*")}),
  });
  const Decision d = decide_verified(policy, web_client());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "ON");
}

}  // namespace
}  // namespace certgate::core
