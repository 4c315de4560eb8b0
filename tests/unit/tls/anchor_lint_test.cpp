// Trust-anchor and one-to-one findings, on the real Cloudflare certificates and on a PKI made here.
#include "tls/anchor_lint.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "cloudflare_fixtures.hpp"
#include "test_pki.hpp"
#include "tls/cert_loader.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

X509Ptr load_one(const std::string& path) { return std::move(load_cert_bundle(path).certs.front()); }

std::vector<std::string> codes(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& f : findings) out.push_back(f.code);
  return out;
}

bool has(const std::vector<core::Finding>& findings, const std::string& code) {
  return std::any_of(findings.begin(), findings.end(), [&](const core::Finding& f) { return f.code == code; });
}

const core::Finding& get(const std::vector<core::Finding>& findings, const std::string& code) {
  auto it = std::find_if(findings.begin(), findings.end(), [&](const core::Finding& f) { return f.code == code; });
  if (it == findings.end()) throw std::runtime_error("no " + code);
  return *it;
}

core::MappingRule rule(core::RuleField field, const std::string& subfield, const std::string& match) {
  core::MappingRule r;
  r.field = field;
  r.subfield = subfield;
  r.match = match;
  return r;
}

core::ManyToOneMapping allow(const std::string& name, std::vector<core::MappingRule> rules) {
  core::ManyToOneMapping m;
  m.name = name;
  m.user = name + "-user";
  m.rules = std::move(rules);
  return m;
}

std::shared_ptr<const core::CompiledPolicy> compiled(core::MappingPolicy policy,
                                                     core::ClientCertMode mode = core::ClientCertMode::require) {
  return core::CompiledPolicy::compile(std::move(policy), mode);
}

// Inside the 2019-2029 CA's validity and far from its end.
const std::int64_t kIn2024 = utc(2024, 6, 1);

class SharedCloudflareCa : public ::testing::Test {
 protected:
  X509Ptr ca = load_one(cloudflare::ca_2019);
  std::vector<AnchorRef> anchors{{"cloudflare-aop-ca.pem", ca.get()}};
};

TEST_F(SharedCloudflareCa, IsRecognisedByItsSubject) {
  EXPECT_TRUE(is_cloudflare_shared_aop_ca(ca.get()));
  EXPECT_FALSE(is_cloudflare_origin_ca(ca.get()));
  Issued own = make_ca("my AOP CA");
  EXPECT_FALSE(is_cloudflare_shared_aop_ca(own.cert.get()));
}

TEST_F(SharedCloudflareCa, ChainOnlyPolicyLetsEveryCloudflareAccountIn) {
  core::MappingPolicy chain_only;
  chain_only.chain_only = true;
  const auto findings = lint_anchors(anchors, *compiled(chain_only), kIn2024, "default");
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG101"});
  const core::Finding& f = findings[0];
  EXPECT_EQ(f.where.to_string(), "cloudflare-aop-ca.pem");
  EXPECT_EQ(f.hosts, std::vector<std::string>{"default"});
  EXPECT_NE(f.message.find("verified chain is enough"), std::string::npos) << f.message;
  EXPECT_NE(f.fix.find("per-hostname"), std::string::npos);
}

TEST_F(SharedCloudflareCa, MappingOnTheSharedSubjectDoesNotRestrictIt) {
  core::MappingPolicy policy;
  policy.many_to_one = {allow("cloudflare", {rule(core::RuleField::subject, "CN", "origin-pull.cloudflare.net"),
                                             rule(core::RuleField::issuer, "O", "CloudFlare, Inc.")})};
  const auto findings = lint_anchors(anchors, *compiled(policy), kIn2024, "default");
  ASSERT_TRUE(has(findings, "CG101"));
  EXPECT_NE(get(findings, "CG101").message.find("mapping 'cloudflare' admits it as user 'cloudflare-user'"),
            std::string::npos);
}

TEST_F(SharedCloudflareCa, MappingsThatOnlyAdmitAnotherIssuerRestrictIt) {
  core::MappingPolicy policy;
  policy.many_to_one = {allow("own", {rule(core::RuleField::issuer, "CN", "my AOP CA")})};
  EXPECT_FALSE(has(lint_anchors(anchors, *compiled(policy), kIn2024, "default"), "CG101"));
  // ... unless anonymous access lets the rest in with an identity: it does not give one, so still quiet.
  policy.anonymous = true;
  EXPECT_FALSE(has(lint_anchors(anchors, *compiled(policy, core::ClientCertMode::accept), kIn2024, "d"), "CG101"));
}

TEST_F(SharedCloudflareCa, OneToOneMappingOfTheSharedLeafIsNoRestriction) {
  core::MappingPolicy policy;
  policy.many_to_one = {allow("own", {rule(core::RuleField::issuer, "CN", "my AOP CA")})};
  core::OneToOneMapping pinned;
  pinned.name = "pinned-cloudflare-leaf";
  pinned.user = "edge";
  pinned.der = to_der(load_one(cloudflare::leaf_pem).get());
  policy.one_to_one = {pinned};
  const auto findings = lint_anchors(anchors, *compiled(policy), kIn2024, "default");
  ASSERT_TRUE(has(findings, "CG101"));
  EXPECT_NE(get(findings, "CG101").message.find("'pinned-cloudflare-leaf'"), std::string::npos);
}

TEST_F(SharedCloudflareCa, NoMappingsWithoutChainOnlyAdmitsNobody) {
  // Without chain_only = true an empty policy gives no certificate an identity: nothing to warn about here
  // (check reports the empty policy itself as CG207).
  EXPECT_FALSE(has(lint_anchors(anchors, *compiled({}), kIn2024, "default"), "CG101"));
}

TEST_F(SharedCloudflareCa, ModeIgnoreRequestsNoCertificate) {
  EXPECT_FALSE(has(lint_anchors(anchors, *compiled({}, core::ClientCertMode::ignore), kIn2024, "d"), "CG101"));
}

TEST(AnchorLint, CloudflareOriginCaIsNotAClientCa) {
  for (const std::string& file : {cloudflare::origin_ca_rsa, cloudflare::aop("not-aop/cloudflare-origin-ssl-ecc-ca-2019-2029.pem")}) {
    X509Ptr origin_ca = load_one(file);
    EXPECT_TRUE(is_cloudflare_origin_ca(origin_ca.get())) << file;
    const auto findings = lint_anchors({{file, origin_ca.get()}}, *compiled({}), kIn2024, "default");
    EXPECT_EQ(codes(findings), std::vector<std::string>{"CG102"}) << file;
  }
}

TEST(AnchorLint, LeafAsAnchorIsNotACa) {
  // The real Cloudflare leaf: subject == issuer, yet not self-signed and CA:FALSE.
  X509Ptr leaf = load_one(cloudflare::leaf_pem);
  const auto findings = lint_anchors({{"leaf.pem", leaf.get()}}, *compiled({}), cloudflare::inside_leaf_validity(), "d");
  EXPECT_TRUE(has(findings, "CG103"));
  EXPECT_NE(get(findings, "CG103").message.find("CA:FALSE"), std::string::npos);

  // A self-signed end-entity certificate (a pinned self-signed client) is a deliberate anchor.
  CertSpec spec;
  spec.subject = {{"CN", "self"}};
  spec.not_after = std::time(nullptr) + 365 * 86400;
  EvpPkeyPtr key = make_key();
  X509Ptr self = make_cert(spec, key.get(), nullptr);
  EXPECT_FALSE(has(lint_anchors({{"self.pem", self.get()}}, *compiled({}), std::time(nullptr), "d"), "CG103"));
}

TEST(AnchorLint, ExpiredAndExpiringAnchors) {
  X509Ptr old_ca = load_one(cloudflare::ca_2015);
  core::MappingPolicy restricted;
  restricted.many_to_one = {allow("own", {rule(core::RuleField::issuer, "CN", "my AOP CA")})};
  const auto policy = compiled(restricted);

  auto expired = lint_anchors({{"old.pem", old_ca.get()}}, *policy, kIn2024, "d");
  ASSERT_EQ(codes(expired), std::vector<std::string>{"CG104"});
  EXPECT_NE(expired[0].message.find("expired on 2020-01-12"), std::string::npos) << expired[0].message;
  EXPECT_TRUE(lint_anchors({{"old.pem", old_ca.get()}}, *policy, cloudflare::inside_leaf_validity(), "d").empty());

  X509Ptr ca = load_one(cloudflare::ca_2019);  // until 2029-11-01T17:00:00Z
  auto expiring = lint_anchors({{"ca.pem", ca.get()}}, *policy, utc(2029, 10, 15), "d");
  ASSERT_EQ(codes(expiring), std::vector<std::string>{"CG105"});
  EXPECT_NE(expiring[0].message.find("in 17 days, inside the 30-day mark"), std::string::npos) << expiring[0].message;
  auto urgent = lint_anchors({{"ca.pem", ca.get()}}, *policy, utc(2029, 10, 20), "d");
  ASSERT_EQ(codes(urgent), std::vector<std::string>{"CG105"});
  EXPECT_NE(urgent[0].message.find("in 12 days, inside the 14-day mark"), std::string::npos) << urgent[0].message;
  EXPECT_EQ(codes(lint_anchors({{"ca.pem", ca.get()}}, *policy, utc(2029, 10, 2), "d")),
            std::vector<std::string>{"CG105"})
      << "30 days left is the first mark";
  EXPECT_TRUE(lint_anchors({{"ca.pem", ca.get()}}, *policy, utc(2029, 9, 1), "d").empty()) << "61 days left";

  auto not_yet = lint_anchors({{"ca.pem", ca.get()}}, *policy, utc(2019, 1, 1), "d");
  EXPECT_EQ(codes(not_yet), std::vector<std::string>{"CG104"});
}

class OneToOneChains : public ::testing::Test {
 protected:
  void SetUp() override {
    ca = make_ca("trusted CA");
    trust = TrustStore::load({dir.write("ca.pem", pem_of(ca.cert.get()))}, {}, 2);
  }
  core::OneToOneMapping mapping(const std::string& name, X509* cert) {
    core::OneToOneMapping m;
    m.name = name;
    m.user = name;
    m.der = der_of(cert);
    m.where = core::SourcePos{"web.config", 7, 9};
    return m;
  }
  TempDir dir;
  Issued ca;
  std::shared_ptr<const TrustStore> trust;
};

TEST_F(OneToOneChains, CertificateFromAnotherCaCanNeverBePresented) {
  Issued other_ca = make_ca("other CA");
  Issued stranger = make_client(other_ca, "stranger");
  CertSpec long_lived;
  long_lived.subject = {{"CN", "good"}};
  long_lived.eku = {"clientAuth"};
  long_lived.not_after = std::time(nullptr) + 365 * 86400;  // far from the 30-day mark (CG124)
  Issued good = make_leaf(ca, long_lived);
  core::MappingPolicy policy;
  policy.one_to_one = {mapping("good", good.cert.get()), mapping("stranger", stranger.cert.get())};
  const auto findings = lint_one_to_one_chains(policy, *trust, std::time(nullptr), "default");
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG121"});
  EXPECT_EQ(findings[0].where.to_string(), "web.config:7:9");
  EXPECT_NE(findings[0].message.find("'stranger'"), std::string::npos);
  EXPECT_NE(findings[0].message.find("unable to get local issuer certificate"), std::string::npos)
      << findings[0].message;
}

TEST_F(OneToOneChains, ExpiredCertificateIsReportedApart) {
  CertSpec spec;
  spec.subject = {{"CN", "old"}};
  spec.eku = {"clientAuth"};
  spec.not_before = utc(2020, 1, 1);
  spec.not_after = utc(2021, 1, 1);
  Issued old = make_leaf(ca, spec);
  core::MappingPolicy policy;
  policy.one_to_one = {mapping("old", old.cert.get())};
  const auto findings = lint_one_to_one_chains(policy, *trust, std::time(nullptr), "default");
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG122"});
  EXPECT_NE(findings[0].message.find("certificate has expired"), std::string::npos);
}

TEST_F(OneToOneChains, EdgeCertificateExpiryIsAnnouncedAtThirtyAndFourteenDays) {
  CertSpec spec;
  spec.subject = {{"CN", "www.example.com"}};
  spec.eku = {"clientAuth"};
  const std::int64_t now = std::time(nullptr);
  spec.not_before = now - 3600;
  spec.not_after = now + 40 * 86400;  // the fixture CA lives 30 days: look inside them
  Issued edge = make_leaf(ca, spec);
  core::MappingPolicy policy;
  policy.one_to_one = {mapping("edge", edge.cert.get())};
  EXPECT_TRUE(lint_one_to_one_chains(policy, *trust, now, "default").empty()) << "40 days left";

  const auto at_30 = lint_one_to_one_chains(policy, *trust, now + 10 * 86400, "default");
  ASSERT_EQ(codes(at_30), std::vector<std::string>{"CG124"});
  EXPECT_EQ(at_30[0].where.to_string(), "web.config:7:9");
  EXPECT_NE(at_30[0].message.find("'CN=www.example.com'"), std::string::npos) << at_30[0].message;
  EXPECT_NE(at_30[0].message.find("in 30 days, inside the 30-day mark"), std::string::npos) << at_30[0].message;
  EXPECT_NE(at_30[0].fix.find("certgate pki issue"), std::string::npos) << at_30[0].fix;

  const auto at_14 = lint_one_to_one_chains(policy, *trust, now + 26 * 86400, "default");
  ASSERT_EQ(codes(at_14), std::vector<std::string>{"CG124"});
  EXPECT_NE(at_14[0].message.find("in 14 days, inside the 14-day mark"), std::string::npos) << at_14[0].message;
  EXPECT_TRUE(lint_one_to_one_chains(policy, *trust, now + 9 * 86400, "default").empty()) << "31 days left";
}

TEST_F(OneToOneChains, DisabledMappingsAreNotChecked) {
  Issued other_ca = make_ca("other CA");
  Issued stranger = make_client(other_ca, "stranger");
  core::MappingPolicy policy;
  policy.one_to_one = {mapping("stranger", stranger.cert.get())};
  policy.one_to_one[0].enabled = false;
  EXPECT_TRUE(lint_one_to_one_chains(policy, *trust, std::time(nullptr), "default").empty());
}

}  // namespace
}  // namespace certgate::tls

namespace certgate::tls {
namespace {

TEST(CrlCoverage, AnAnchorWithoutACrlIsReportedOnceCrlsAreConfigured) {
  testpki::TempDir dir;
  testpki::Issued with_crl = testpki::make_ca("Has a CRL");
  testpki::Issued without = testpki::make_ca("Has none");
  X509CrlPtr crl = testpki::make_crl(with_crl, {});
  const std::string a = dir.write("a.pem", testpki::pem_of(with_crl.cert.get()));
  const std::string b = dir.write("b.pem", testpki::pem_of(without.cert.get()));
  const std::string crl_file = dir.write("a.crl", testpki::pem_of(crl.get()));
  const std::vector<AnchorRef> anchors{{a, with_crl.cert.get()}, {b, without.cert.get()}};

  const auto findings = lint_crl_coverage(anchors, *TrustStore::load({a, b}, {crl_file}, 2), "default");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "CG107");
  EXPECT_EQ(findings[0].where.file, b);
  EXPECT_NE(findings[0].message.find("trust anchor 'CN=Has none,O=Certgate Test'"), std::string::npos)
      << findings[0].message;
  EXPECT_NE(findings[0].message.find("refused (403.16"), std::string::npos) << findings[0].message;

  EXPECT_TRUE(lint_crl_coverage(anchors, *TrustStore::load({a, b}, {}, 2), "default").empty());
}

TEST(CrlCoverage, APinnedNonCaAnchorNeedsNoCrl) {
  testpki::TempDir dir;
  testpki::Issued root = testpki::make_ca("Root with CRL");
  testpki::Issued pinned = testpki::make_client(root, "pinned");
  X509CrlPtr crl = testpki::make_crl(root, {});
  const std::string p = dir.write("p.pem", testpki::pem_of(pinned.cert.get()));
  const std::string crl_file = dir.write("r.crl", testpki::pem_of(crl.get()));
  const std::vector<AnchorRef> anchors{{p, pinned.cert.get()}};
  EXPECT_TRUE(lint_crl_coverage(anchors, *TrustStore::load({p}, {crl_file}, 2), "default").empty());
}

}  // namespace
}  // namespace certgate::tls
