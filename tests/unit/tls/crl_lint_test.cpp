#include "tls/crl_lint.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include <openssl/pkcs7.h>

#include "../core/core_test_support.hpp"
#include "test_pki.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;
namespace ts = core::test_support;

std::vector<std::string> codes(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& f : findings) out.push_back(f.code);
  return out;
}

class CrlLint : public ::testing::Test {
 protected:
  Issued root = make_ca("CRL Lint Root");
  Issued inter = make_ca("CRL Lint Intermediate", &root);
  std::vector<AnchorRef> anchors{{"root.pem", root.cert.get()}};
  std::time_t now = std::time(nullptr);
};

TEST_F(CrlLint, CurrentCrlOfAnAnchorIsFine) {
  X509CrlPtr crl = make_crl(root, {});
  EXPECT_TRUE(lint_crls({{"root.crl", crl.get()}}, anchors, now, "default").empty());
}

TEST_F(CrlLint, CrlPastItsNextUpdateRefusesEveryClient) {
  X509CrlPtr crl = make_crl(root, {});  // nextUpdate in a week
  const std::time_t later = now + 10 * 86400;
  const auto findings = lint_crls({{"root.crl", crl.get()}}, anchors, later, "default");
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG108"});
  EXPECT_EQ(findings[0].where.to_string(), "root.crl");
  EXPECT_EQ(findings[0].hosts, std::vector<std::string>{"default"});
  EXPECT_NE(findings[0].message.find("'CN=CRL Lint Root,O=Certgate Test' passed its nextUpdate on "), std::string::npos)
      << findings[0].message;
  EXPECT_NE(findings[0].message.find("403.16, \"CRL expired\""), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].fix.find("root.crl"), std::string::npos) << findings[0].fix;
  // crl_expired = "warn": the same finding says that it admits instead.
  const auto warned = lint_crls({{"root.crl", crl.get()}}, anchors, later, "default", true);
  ASSERT_EQ(codes(warned), std::vector<std::string>{"CG108"});
  EXPECT_NE(warned[0].message.find("is admitted without current revocation data (crl_expired = \"warn\""),
            std::string::npos)
      << warned[0].message;

  // A current CRL of the same issuer next to it: OpenSSL uses that one.
  CrlSpec fresh;
  fresh.next_update = later + 86400;
  X509CrlPtr current = make_crl(root, {}, fresh);
  EXPECT_TRUE(lint_crls({{"root.crl", crl.get()}, {"new.crl", current.get()}}, anchors, later, "default").empty());
}

TEST_F(CrlLint, CrlOfNoAnchorAndCrlSignedByAnotherKey) {
  X509CrlPtr inter_crl = make_crl(inter, {});
  auto findings = lint_crls({{"inter.crl", inter_crl.get()}}, anchors, now, "default");
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG109"});
  EXPECT_NE(findings[0].message.find("'CN=CRL Lint Intermediate,O=Certgate Test' (nextUpdate "), std::string::npos)
      << findings[0].message;
  EXPECT_NE(findings[0].message.find("is not issued by any trust anchor"), std::string::npos) << findings[0].message;
  // With the intermediate in client_ca the CRL is its anchor's.
  std::vector<AnchorRef> both = anchors;
  both.push_back({"inter.pem", inter.cert.get()});
  EXPECT_TRUE(lint_crls({{"inter.crl", inter_crl.get()}}, both, now, "default").empty());

  Issued impostor = make_ca("CRL Lint Root");  // the same name, another key
  X509CrlPtr forged = make_crl(impostor, {});
  findings = lint_crls({{"forged.crl", forged.get()}}, anchors, now, "default");
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG109"});
  EXPECT_NE(findings[0].message.find("not signed by that CA's key"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].message.find("(root.pem)"), std::string::npos) << findings[0].message;
}

TEST_F(CrlLint, MappedIssuerWithoutCrl) {
  X509CrlPtr root_crl = make_crl(root, {});
  const std::vector<CrlRef> crls{{"root.crl", root_crl.get()}};
  core::MappingPolicy policy =
      ts::many_to_one_policy({ts::allow("deep", "u", {ts::issuer("CN", "CRL Lint Intermediate")})});
  auto findings = lint_mapped_issuers_without_crl(policy, crls, anchors, "default");
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG123"});
  EXPECT_NE(findings[0].message.find("mapping 'deep'"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].message.find("'CN=CRL Lint Root,O=Certgate Test'"), std::string::npos) << findings[0].message;

  // The intermediate's CRL loaded, an issuer that is an anchor, a wildcard that matches a known CA, no CRLs.
  X509CrlPtr inter_crl = make_crl(inter, {});
  EXPECT_TRUE(lint_mapped_issuers_without_crl(policy, {crls[0], {"inter.crl", inter_crl.get()}}, anchors, "default")
                  .empty());
  core::MappingPolicy root_policy = ts::many_to_one_policy({ts::allow("r", "u", {ts::issuer("CN", "CRL Lint Root")})});
  EXPECT_TRUE(lint_mapped_issuers_without_crl(root_policy, crls, anchors, "default").empty());
  core::MappingPolicy wildcard = ts::many_to_one_policy({ts::allow("w", "u", {ts::issuer("CN", "crl lint*", false)})});
  EXPECT_TRUE(lint_mapped_issuers_without_crl(wildcard, crls, anchors, "default").empty());
  EXPECT_TRUE(lint_mapped_issuers_without_crl(policy, {}, anchors, "default").empty());
}

TEST_F(CrlLint, LeafOfAPkcs7BundleIsNoted) {
  TempDir dir;
  Issued leaf = make_client(root, "exported");
  PKCS7* p7 = PKCS7_new();
  PKCS7_set_type(p7, NID_pkcs7_signed);
  PKCS7_content_new(p7, NID_pkcs7_data);
  PKCS7_add_certificate(p7, leaf.cert.get());
  PKCS7_add_certificate(p7, root.cert.get());
  unsigned char* buf = nullptr;
  const int len = i2d_PKCS7(p7, &buf);
  const std::string path = dir.write("chain.p7b", std::string(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len)));
  OPENSSL_free(buf);
  PKCS7_free(p7);
  auto trust = TrustStore::load({path}, {}, 2);
  const auto findings = lint_skipped_anchors(*trust, "default");
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG110"});
  EXPECT_EQ(findings[0].severity, core::Severity::note);
  EXPECT_EQ(findings[0].where.to_string(), path);
  EXPECT_NE(findings[0].message.find("'CN=exported'"), std::string::npos) << findings[0].message;
}

}  // namespace
}  // namespace certgate::tls
