// certgate's own rules (chain_rules.hpp): each case passes OpenSSL 3.0, by default and with
// X509_V_FLAG_X509_STRICT, and is refused by TrustStore::verify() with 403.16 and a reason naming the rule.
#include "tls/chain_rules.hpp"

#include <gtest/gtest.h>

#include "core/compiled_policy.hpp"
#include "core/decision.hpp"
#include "tls/chain_report.hpp"
#include "verify_support.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;
using core::VerifyStatus;

CertSpec client_spec(const std::string& cn) {
  CertSpec spec;
  spec.subject = {{"CN", cn}};
  spec.eku = {"clientAuth"};
  return spec;
}

// X509_verify_cert with certgate's flags (X509_STRICT included) but without the own rules.
int openssl_strict(const TrustStore& ts, X509* leaf, const std::vector<X509*>& sent) {
  X509StackPtr untrusted = stack_of(sent);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (X509_STORE_CTX_init(ctx.get(), ts.store(), leaf, untrusted.get()) != 1) return X509_V_ERR_UNSPECIFIED;
  ts.configure(ctx.get());
  return X509_verify_cert(ctx.get()) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
}

class ChainRulesTest : public ::testing::Test {
 protected:
  // A CA under root with these name constraints.
  Issued constrained(const std::string& constraints) {
    CertSpec spec;
    spec.subject = {{"O", "Certgate Test"}, {"CN", "Constrained CA"}};
    spec.ca = true;
    spec.extensions = {{"nameConstraints", constraints}};
    return make_issued(spec, &root);
  }

  // OpenSSL admits the chain (default and strict); certgate refuses it by `rule` at `depth`. Returns the result.
  core::VerifyResult expect_rule(const Issued& leaf, const std::vector<X509*>& sent, const std::string& rule,
                                 int depth) {
    auto ts = store_with(dir, {&root});
    EXPECT_EQ(openssl_default(*ts, leaf.cert.get(), sent), X509_V_OK) << "OpenSSL's default admits it";
    EXPECT_EQ(openssl_strict(*ts, leaf.cert.get(), sent), X509_V_OK) << "X509_V_FLAG_X509_STRICT admits it";
    core::VerifyResult r = certgate_verify(*ts, leaf.cert.get(), sent);
    EXPECT_EQ(r.status, VerifyStatus::untrusted) << r.reason;
    EXPECT_EQ(r.code, X509_V_ERR_APPLICATION_VERIFICATION) << r.reason;
    EXPECT_EQ(r.depth, depth) << r.reason;
    EXPECT_NE(r.reason.find("certificate rule '" + rule + "'"), std::string::npos) << r.reason;
    return r;
  }

  core::VerifyResult expect_ok(const Issued& leaf, const std::vector<X509*>& sent) {
    core::VerifyResult r = certgate_verify(*store_with(dir, {&root}), leaf.cert.get(), sent);
    EXPECT_EQ(r.status, VerifyStatus::ok) << r.reason;
    return r;
  }

  TempDir dir;
  Issued root = make_ca("Rules Root");
};

TEST_F(ChainRulesTest, Version1LeafIsRefused) {
  CertSpec spec;
  spec.subject = {{"CN", "v1 leaf"}};
  spec.version = 1;
  Issued leaf = make_leaf(root, spec);
  core::VerifyResult r = expect_rule(leaf, {}, "version-3", 0);
  EXPECT_EQ(r.reason,
            "certificate rule 'version-3' (RFC 5280 4.1.2.1, 4.2.1.1) refuses the certificate at depth 0 (CN=v1 leaf): "
            "it is an X.509 v1 certificate; a certificate issued by a conforming CA is version 3 (it must carry an "
            "authorityKeyIdentifier)");
}

TEST_F(ChainRulesTest, TheRefusalIs403_16WithTheRuleInTheReason) {
  CertSpec spec;
  spec.subject = {{"CN", "v1 leaf"}};
  spec.version = 1;
  core::VerifyResult r = certgate_verify(*store_with(dir, {&root}), make_leaf(root, spec).cert.get());
  core::CertDigest digest;
  auto policy = core::CompiledPolicy::compile(core::MappingPolicy{}, core::ClientCertMode::require);
  core::Decision d = core::decide(*policy, &digest, r);
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_EQ(d.reason.rfind("certificate rule 'version-3' (RFC 5280 4.1.2.1, 4.2.1.1) refuses the certificate at depth 0 "
                           "(CN=v1 leaf)",
                           0),
            0u)
      << d.reason;
}

TEST_F(ChainRulesTest, RepeatedExtensionIsRefused) {
  CertSpec spec = client_spec("twice");
  spec.extensions = {{"1.3.6.1.4.1.55555.7", "DER:05:00"}, {"1.3.6.1.4.1.55555.7", "DER:05:00"}};
  core::VerifyResult r = expect_rule(make_leaf(root, spec), {}, "unique-extensions", 0);
  EXPECT_NE(r.reason.find("the extension 1.3.6.1.4.1.55555.7 appears more than once"), std::string::npos) << r.reason;
}

TEST_F(ChainRulesTest, NameConstraintsInALeafAreRefused) {
  CertSpec spec = client_spec("constrains nothing");
  spec.extensions = {{"nameConstraints", "critical,permitted;DNS:example.test"}};
  expect_rule(make_leaf(root, spec), {}, "name-constraints-in-ca-only", 0);
}

TEST_F(ChainRulesTest, DnsNameWithTrailingDotEscapingAnExcludedSubtreeIsRefused) {
  Issued ca = constrained("critical,excluded;DNS:evil.test");
  CertSpec spec = client_spec("dotted");
  spec.san = "DNS:www.evil.test.";
  core::VerifyResult r = expect_rule(make_leaf(ca, spec), {ca.cert.get()}, "constrained-names-well-formed", 0);
  EXPECT_NE(r.reason.find("the dNSName 'www.evil.test.' is not a well-formed host name while the CA at depth 1 "
                          "(CN=Constrained CA,O=Certgate Test) constrains names of that form"),
            std::string::npos)
      << r.reason;
  // Without the dot the name is inside the excluded subtree, and OpenSSL refuses it itself.
  CertSpec plain = client_spec("plain");
  plain.san = "DNS:www.evil.test";
  EXPECT_EQ(certgate_verify(*store_with(dir, {&root}), make_leaf(ca, plain).cert.get(), {ca.cert.get()}).code,
            X509_V_ERR_EXCLUDED_VIOLATION);
}

TEST_F(ChainRulesTest, EmailWithTrailingDotEscapingAnExcludedSubtreeIsRefused) {
  Issued ca = constrained("critical,excluded;email:evil.test");
  CertSpec spec = client_spec("mail dotted");
  spec.san = "email:a@evil.test.";
  expect_rule(make_leaf(ca, spec), {ca.cert.get()}, "constrained-names-well-formed", 0);
}

TEST_F(ChainRulesTest, MalformedEmailAddressAttributeIsRefused) {
  Issued ca = constrained("critical,excluded;email:evil.test");
  CertSpec spec = client_spec("mail attr");
  spec.subject.push_back({"emailAddress", "a@evil.test."});
  core::VerifyResult r = expect_rule(make_leaf(ca, spec), {ca.cert.get()}, "constrained-names-well-formed", 0);
  EXPECT_NE(r.reason.find("the subject's emailAddress 'a@evil.test.'"), std::string::npos) << r.reason;
}

TEST_F(ChainRulesTest, UriWithUserinfoEscapingAnExcludedSubtreeIsRefused) {
  Issued ca = constrained("critical,excluded;URI:evil.test");
  CertSpec spec = client_spec("uri");
  spec.san = "URI:https://x@evil.test/";
  expect_rule(make_leaf(ca, spec), {ca.cert.get()}, "constrained-names-well-formed", 0);
}

TEST_F(ChainRulesTest, CommonNameOutsideDnsConstraintsIsRefusedDespiteAnInBoundsDnsName) {
  Issued ca = constrained("critical,permitted;DNS:example.test");
  CertSpec spec = client_spec("www.bank.test");
  spec.san = "DNS:ok.example.test";
  core::VerifyResult r = expect_rule(make_leaf(ca, spec), {ca.cert.get()}, "common-name-within-dns-constraints", 0);
  EXPECT_NE(r.reason.find("the CN 'www.bank.test' is outside the dNSName constraints of the CA at depth 1"),
            std::string::npos)
      << r.reason;
  // With no dNSName at all OpenSSL checks the CN itself.
  CertSpec bare = client_spec("www.bank.test");
  EXPECT_EQ(certgate_verify(*store_with(dir, {&root}), make_leaf(ca, bare).cert.get(), {ca.cert.get()}).code,
            X509_V_ERR_PERMITTED_VIOLATION);
}

TEST_F(ChainRulesTest, NamesInTheReasonAreEscaped) {
  Issued ca = constrained("critical,excluded;DNS:evil.test");
  CertSpec spec = client_spec("escaped");
  // A dNSName with a line feed and a backslash: "a\nb\\.evil.t".
  spec.extensions = {{"subjectAltName", "DER:30:0D:82:0B:61:0A:62:5C:2E:65:76:69:6C:2E:74"}};
  core::VerifyResult r = expect_rule(make_leaf(ca, spec), {ca.cert.get()}, "constrained-names-well-formed", 0);
  EXPECT_NE(r.reason.find("the dNSName 'a\\x0ab\\x5c.evil.t' is not"), std::string::npos) << r.reason;
  EXPECT_EQ(r.reason.find('\n'), std::string::npos);
}

TEST_F(ChainRulesTest, MalformedHostLikeCommonNameUnderDnsConstraintsIsRefused) {
  Issued ca = constrained("critical,excluded;DNS:evil.test");
  CertSpec spec = client_spec("www.evil.test.");
  spec.san = "DNS:ok.example.test";
  expect_rule(make_leaf(ca, spec), {ca.cert.get()}, "constrained-names-well-formed", 0);
}

TEST_F(ChainRulesTest, WellFormedNamesInsideTheConstraintsVerify) {
  Issued ca = constrained("critical,permitted;DNS:example.test,permitted;email:example.test,permitted;URI:.example.test");
  CertSpec spec = client_spec("host.example.test");
  spec.san = "DNS:host.example.test,DNS:*.example.test,email:a@example.test,URI:https://www.example.test:8443/x";
  spec.subject.push_back({"emailAddress", "b@example.test"});
  expect_ok(make_leaf(ca, spec), {ca.cert.get()});
  // A person's CN is no host name; constraints do not apply to it.
  CertSpec person = client_spec("Alice Example");
  person.san = "email:alice@example.test";
  expect_ok(make_leaf(ca, person), {ca.cert.get()});
}

TEST_F(ChainRulesTest, MalformedNamesWithoutConstraintsOfTheirFormAreLeftAlone) {
  Issued ca = constrained("critical,permitted;email:example.test");
  CertSpec spec = client_spec("dns free");
  spec.san = "DNS:www.anything.test.,email:a@example.test";
  expect_ok(make_leaf(ca, spec), {ca.cert.get()});
}

TEST_F(ChainRulesTest, NonCriticalNameConstraintsAreStillApplied) {
  // RFC 5280 asks CAs to mark them critical; OpenSSL applies them either way, and certgate does not refuse
  // the CA for it (docs/security.md).
  Issued ca = constrained("excluded;DNS:evil.test");
  CertSpec spec = client_spec("inside");
  spec.san = "DNS:www.evil.test";
  EXPECT_EQ(certgate_verify(*store_with(dir, {&root}), make_leaf(ca, spec).cert.get(), {ca.cert.get()}).code,
            X509_V_ERR_EXCLUDED_VIOLATION);
  CertSpec fine = client_spec("outside");
  fine.san = "DNS:www.good.test";
  expect_ok(make_leaf(ca, fine), {ca.cert.get()});
}

TEST_F(ChainRulesTest, EveryViolationIsListedLeafFirst) {
  CertSpec spec;
  spec.subject = {{"CN", "many"}};
  spec.extensions = {{"nameConstraints", "critical,permitted;DNS:example.test"},
                     {"1.3.6.1.4.1.55555.7", "DER:05:00"},
                     {"1.3.6.1.4.1.55555.7", "DER:05:00"}};
  Issued leaf = make_leaf(root, spec);
  X509StackPtr chain = stack_of({leaf.cert.get(), root.cert.get()});
  std::vector<RuleViolation> v = chain_rule_violations(chain.get(), 1);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].rule, "unique-extensions");
  EXPECT_EQ(v[1].rule, "name-constraints-in-ca-only");
  EXPECT_EQ(v[0].subject, "CN=many");
}

TEST_F(ChainRulesTest, ExplainsChainReportListsTheRule) {
  CertSpec spec;
  spec.subject = {{"CN", "v1 leaf"}};
  spec.version = 1;
  Issued leaf = make_leaf(root, spec);
  ChainReport report = chain_report(*store_with(dir, {&root}), leaf.cert.get(), nullptr, std::time(nullptr));
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].code, X509_V_ERR_APPLICATION_VERIFICATION);
  EXPECT_EQ(report.problems[0].depth, 0);
  EXPECT_EQ(report.problems[0].subject, "CN=v1 leaf");
  EXPECT_EQ(report.problems[0].rule, "version-3");
  EXPECT_EQ(report.problems[0].reason.rfind("certificate rule 'version-3'", 0), 0u);
}

TEST(NameSyntax, HostNames) {
  using names::is_host_name;
  EXPECT_TRUE(is_host_name("a.example", false));
  EXPECT_TRUE(is_host_name("xn--bcher-kva.example", false));
  EXPECT_TRUE(is_host_name("_srv.example", false));
  EXPECT_TRUE(is_host_name("localhost", false));
  EXPECT_TRUE(is_host_name("*.example", true));
  EXPECT_FALSE(is_host_name("*.example", false));
  EXPECT_FALSE(is_host_name("a.*.example", true));
  EXPECT_FALSE(is_host_name("*", true));
  EXPECT_FALSE(is_host_name("a.example.", false));
  EXPECT_FALSE(is_host_name(".a.example", false));
  EXPECT_FALSE(is_host_name("a..example", false));
  EXPECT_FALSE(is_host_name("-a.example", false));
  EXPECT_FALSE(is_host_name("a-.example", false));
  EXPECT_FALSE(is_host_name("a b.example", false));
  EXPECT_FALSE(is_host_name(std::string("a\0b.example", 11), false));
  EXPECT_FALSE(is_host_name("", false));
  EXPECT_FALSE(is_host_name(std::string(64, 'a') + ".example", false));
  EXPECT_TRUE(is_host_name(std::string(63, 'a') + ".example", false));
  EXPECT_FALSE(is_host_name("b\xc3\xbc" "cher.example", false));
}

TEST(NameSyntax, Mailboxes) {
  using names::is_mailbox;
  EXPECT_TRUE(is_mailbox("a@example.test"));
  EXPECT_TRUE(is_mailbox("first.last+tag@example.test"));
  EXPECT_TRUE(is_mailbox("\"a@b\"@example.test"));
  EXPECT_FALSE(is_mailbox("a@evil.test@example.test"));
  EXPECT_FALSE(is_mailbox("a@example.test."));
  EXPECT_FALSE(is_mailbox("@example.test"));
  EXPECT_FALSE(is_mailbox("example.test"));
  EXPECT_FALSE(is_mailbox("a b@example.test"));
  EXPECT_FALSE(is_mailbox("a@[192.0.2.1]"));
}

TEST(NameSyntax, UriHostAsOpenSslTakesIt) {
  using names::uri_host;
  EXPECT_EQ(uri_host("https://www.example.test/x"), "www.example.test");
  EXPECT_EQ(uri_host("https://www.example.test:8443/x"), "www.example.test");
  EXPECT_EQ(uri_host("https://x@evil.test/"), "x@evil.test");
  EXPECT_EQ(uri_host("https://evil.test/a:b"), "evil.test/a");
  EXPECT_EQ(uri_host("https://evil.test"), "evil.test");
  EXPECT_EQ(uri_host("urn:example:a"), "");
}

}  // namespace
}  // namespace certgate::tls
