// What X509_V_FLAG_X509_STRICT (and X509_V_FLAG_POLICY_CHECK) add to OpenSSL 3.0's defaults, case by case:
// each test shows OpenSSL's default verdict on a generated chain, then certgate's.
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <gtest/gtest.h>

#include "verify_support.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;
using core::VerifyStatus;

CertSpec ca_spec(const std::string& cn) {
  CertSpec spec;
  spec.subject = {{"O", "Certgate Test"}, {"CN", cn}};
  spec.ca = true;
  return spec;
}

CertSpec client_spec(const std::string& cn) {
  CertSpec spec;
  spec.subject = {{"CN", cn}};
  spec.eku = {"clientAuth"};
  return spec;
}

// An authorityKeyIdentifier naming `issuer`'s key by the SHA-1 of its public key (as "keyid" would, were
// the issuer's subjectKeyIdentifier there), in the DER syntax of OpenSSL's configuration.
std::string aki_of(X509* issuer) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_pubkey_digest(issuer, EVP_sha1(), md, &len);
  std::string der = "DER:30:16:80:14";
  for (unsigned int i = 0; i < len; ++i) der += ":" + lower_hex(md + i, 1);
  return der;
}

class StrictTest : public ::testing::Test {
 protected:
  void expect_refused(const std::vector<const Issued*>& anchors, const Issued& leaf, const std::vector<X509*>& sent,
                      int code, int depth) {
    auto ts = store_with(dir, anchors);
    EXPECT_EQ(openssl_default(*ts, leaf.cert.get(), sent), X509_V_OK) << "OpenSSL's default admits it";
    core::VerifyResult r = certgate_verify(*ts, leaf.cert.get(), sent);
    EXPECT_EQ(r.status, VerifyStatus::untrusted) << r.reason;
    EXPECT_EQ(r.code, code) << r.reason;
    EXPECT_EQ(r.depth, depth) << r.reason;
  }

  TempDir dir;
  Issued root = make_ca("Strict Root");
};

TEST_F(StrictTest, FlagsIncludeStrictAndPolicyChecking) {
  EXPECT_NE(verify_flags(false) & X509_V_FLAG_X509_STRICT, 0u);
  EXPECT_NE(verify_flags(false) & X509_V_FLAG_POLICY_CHECK, 0u);
  EXPECT_NE(verify_flags(false) & X509_V_FLAG_PARTIAL_CHAIN, 0u);
  EXPECT_EQ(verify_flags(false) & X509_V_FLAG_CRL_CHECK, 0u);
  EXPECT_EQ(verify_flags(true) & (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL),
            static_cast<unsigned long>(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL));
}

TEST_F(StrictTest, ConformingChainVerifies) {
  Issued inter = make_ca("Strict Intermediate", &root);
  Issued leaf = make_client(inter, "fine");
  auto ts = store_with(dir, {&root});
  EXPECT_EQ(certgate_verify(*ts, leaf.cert.get(), {inter.cert.get()}).status, VerifyStatus::ok);
}

TEST_F(StrictTest, IntermediateWithoutBasicConstraintsIsRefusedByOpenSslAlready) {
  CertSpec spec = ca_spec("No BC");
  spec.basic_constraints = "";
  Issued inter = make_issued(spec, &root);
  Issued leaf = make_client(inter, "under no bc");
  auto ts = store_with(dir, {&root});
  EXPECT_EQ(openssl_default(*ts, leaf.cert.get(), {inter.cert.get()}), X509_V_ERR_INVALID_CA);
  core::VerifyResult r = certgate_verify(*ts, leaf.cert.get(), {inter.cert.get()});
  EXPECT_EQ(r.code, X509_V_ERR_INVALID_CA);
  EXPECT_EQ(r.depth, 1);
}

TEST_F(StrictTest, AnchorWithoutBasicConstraintsIsRefused) {
  // keyUsage keyCertSign without basicConstraints: OpenSSL's default takes the anchor for a CA (X509_check_ca 4).
  CertSpec spec = ca_spec("Anchor without BC");
  spec.basic_constraints = "";
  Issued anchor = make_issued(spec, nullptr);
  expect_refused({&anchor}, make_client(anchor, "under anchor without bc"), {}, X509_V_ERR_INVALID_CA, 1);
}

TEST_F(StrictTest, Version1RootAnchorIsRefused) {
  // A v1 self-signed root: OpenSSL's default takes it for a CA at the top of a chain (X509_check_ca 3).
  CertSpec spec = ca_spec("v1 root");
  spec.version = 1;
  Issued anchor = make_issued(spec, nullptr);
  CertSpec leaf_spec = client_spec("under a v1 root");
  leaf_spec.authority_key_id = false;  // the root has no SKI for "keyid": name its key by hand
  leaf_spec.extensions = {{"authorityKeyIdentifier", aki_of(anchor.cert.get())}};
  expect_refused({&anchor}, make_leaf(anchor, leaf_spec), {}, X509_V_ERR_INVALID_CA, 1);
}

TEST_F(StrictTest, IntermediateWithNonCriticalBasicConstraintsIsRefused) {
  CertSpec spec = ca_spec("BC not critical");
  spec.basic_constraints = "CA:TRUE";
  Issued inter = make_issued(spec, &root);
  expect_refused({&root}, make_client(inter, "x"), {inter.cert.get()}, X509_V_ERR_CA_BCONS_NOT_CRITICAL, 1);
}

TEST_F(StrictTest, AnchorWithNonCriticalBasicConstraintsIsRefused) {
  CertSpec spec = ca_spec("Anchor BC not critical");
  spec.basic_constraints = "CA:TRUE";
  Issued anchor = make_issued(spec, nullptr);
  expect_refused({&anchor}, make_client(anchor, "x"), {}, X509_V_ERR_CA_BCONS_NOT_CRITICAL, 1);
}

TEST_F(StrictTest, CaWithoutKeyUsageIsRefused) {
  CertSpec spec = ca_spec("No KU");
  spec.key_usage = "";
  Issued inter = make_issued(spec, &root);
  expect_refused({&root}, make_client(inter, "x"), {inter.cert.get()}, X509_V_ERR_CA_CERT_MISSING_KEY_USAGE, 1);
}

TEST_F(StrictTest, LeafWithoutAuthorityKeyIdentifierIsRefused) {
  CertSpec spec = client_spec("no aki");
  spec.authority_key_id = false;
  expect_refused({&root}, make_leaf(root, spec), {}, X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER, 0);
}

TEST_F(StrictTest, IntermediateWithoutAuthorityKeyIdentifierIsRefused) {
  CertSpec spec = ca_spec("Intermediate without AKI");
  spec.authority_key_id = false;
  Issued inter = make_issued(spec, &root);
  expect_refused({&root}, make_client(inter, "x"), {inter.cert.get()}, X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER,
                 1);
}

TEST_F(StrictTest, CaWithoutSubjectKeyIdentifierIsRefused) {
  CertSpec spec = ca_spec("Intermediate without SKI");
  spec.subject_key_id = false;
  Issued inter = make_issued(spec, &root);
  CertSpec leaf_spec = client_spec("under no ski");
  leaf_spec.authority_key_id = false;  // "keyid" needs the issuer's SKI: name the key by hand
  leaf_spec.extensions = {{"authorityKeyIdentifier", aki_of(inter.cert.get())}};
  expect_refused({&root}, make_leaf(inter, leaf_spec), {inter.cert.get()},
                 X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER, 1);
}

TEST_F(StrictTest, LeafWithKeyCertSignIsRefused) {
  CertSpec spec = client_spec("signs certificates");
  spec.key_usage = "critical,digitalSignature,keyCertSign";
  expect_refused({&root}, make_leaf(root, spec), {}, X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA, 0);
}

TEST_F(StrictTest, PathLengthInALeafIsRefused) {
  CertSpec spec = client_spec("pathlen leaf");
  spec.basic_constraints = "critical,CA:FALSE,pathlen:0";
  expect_refused({&root}, make_leaf(root, spec), {}, X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA, 0);
}

TEST_F(StrictTest, EmptySubjectAltNameIsRefused) {
  CertSpec spec = client_spec("empty san");
  spec.extensions = {{"subjectAltName", "DER:30:00"}};
  expect_refused({&root}, make_leaf(root, spec), {}, X509_V_ERR_EMPTY_SUBJECT_ALT_NAME, 0);
}

TEST_F(StrictTest, RepeatedCachedExtensionIsRefusedByOpenSslAlready) {
  // Two subjectAltName extensions: OpenSSL marks the certificate invalid and then finds no issuer for it
  // (x509_likely_issued() gives up on an invalid certificate), by default too, with a misleading text.
  CertSpec spec = client_spec("two sans");
  spec.extensions = {{"subjectAltName", "DNS:a.example"}, {"subjectAltName", "DNS:b.example"}};
  Issued leaf = make_leaf(root, spec);
  auto ts = store_with(dir, {&root});
  EXPECT_EQ(openssl_default(*ts, leaf.cert.get()), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  core::VerifyResult r = certgate_verify(*ts, leaf.cert.get());
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

// certificatePolicies with the one policy 1.3.6.1.4.1.55555.1, as DER (the text form needs a config database).
constexpr const char* kTestPolicy = "DER:30:0D:30:0B:06:09:2B:06:01:04:01:83:B2:03:01";

TEST_F(StrictTest, RequireExplicitPolicyIsObeyed) {
  CertSpec spec = ca_spec("Policy CA");
  spec.extensions = {{"certificatePolicies", kTestPolicy}, {"policyConstraints", "requireExplicitPolicy:0"}};
  Issued inter = make_issued(spec, &root);
  Issued without = make_client(inter, "no policy");
  expect_refused({&root}, without, {inter.cert.get()}, X509_V_ERR_NO_EXPLICIT_POLICY, 0);

  CertSpec leaf_spec = client_spec("with policy");
  leaf_spec.extensions = {{"certificatePolicies", kTestPolicy}};
  Issued with = make_leaf(inter, leaf_spec);
  auto ts = store_with(dir, {&root});
  core::VerifyResult ok = certgate_verify(*ts, with.cert.get(), {inter.cert.get()});
  EXPECT_EQ(ok.status, VerifyStatus::ok) << ok.reason;
}

TEST_F(StrictTest, EmailConstraintsAreAppliedByOpenSsl) {
  // rfc822Name constraints reach e-mail SANs and emailAddress attributes by default: nothing to add there
  // but the syntax of the names (chain_rules_test).
  CertSpec spec = ca_spec("Mail CA");
  spec.extensions = {{"nameConstraints", "critical,permitted;email:example.test"}};
  Issued inter = make_issued(spec, &root);
  CertSpec in_san = client_spec("mail");
  in_san.san = "email:a@evil.test";
  CertSpec in_dn = client_spec("mail dn");
  in_dn.subject.push_back({"emailAddress", "a@evil.test"});
  CertSpec fine = client_spec("mail ok");
  fine.san = "email:a@example.test";
  auto ts = store_with(dir, {&root});
  for (const CertSpec* s : {&in_san, &in_dn}) {
    Issued leaf = make_leaf(inter, *s);
    EXPECT_EQ(openssl_default(*ts, leaf.cert.get(), {inter.cert.get()}), X509_V_ERR_PERMITTED_VIOLATION);
    EXPECT_EQ(certgate_verify(*ts, leaf.cert.get(), {inter.cert.get()}).code, X509_V_ERR_PERMITTED_VIOLATION);
  }
  EXPECT_EQ(certgate_verify(*ts, make_leaf(inter, fine).cert.get(), {inter.cert.get()}).status, VerifyStatus::ok);
}

}  // namespace
}  // namespace certgate::tls
