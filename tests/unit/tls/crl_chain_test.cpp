// CRLs are checked for every certificate of the chain (X509_V_FLAG_CRL_CHECK_ALL), not only the leaf:
// root -> intermediate -> leaf, the client sending leaf + intermediate.
#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include "test_pki.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;
using core::VerifyStatus;

class CrlChainTest : public ::testing::Test {
 protected:
  std::shared_ptr<const TrustStore> store(const std::vector<const Issued*>& anchors,
                                          const std::vector<X509_CRL*>& crls) {
    std::vector<std::string> ca_files, crl_files;
    for (const Issued* a : anchors) ca_files.push_back(dir.write("ca" + std::to_string(n++) + ".pem", pem_of(a->cert.get())));
    for (X509_CRL* c : crls) crl_files.push_back(dir.write("crl" + std::to_string(n++) + ".pem", pem_of(c)));
    return TrustStore::load(ca_files, crl_files, 2);
  }
  core::VerifyResult verify(const TrustStore& ts, const Issued& leaf) {
    X509StackPtr sent = stack_of({inter.cert.get()});
    return ts.verify(leaf.cert.get(), sent.get());
  }

  TempDir dir;
  int n = 0;
  Issued root = make_ca("CRL Root");
  Issued inter = make_ca("CRL Intermediate", &root);
  Issued leaf = make_client(inter, "crl leaf");
};

TEST_F(CrlChainTest, RevokedIntermediateOnTheRootsCrlIsRevoked) {
  X509CrlPtr root_crl = make_crl(root, {inter.cert.get()});
  X509CrlPtr inter_crl = make_crl(inter, {});
  core::VerifyResult r = verify(*store({&root}, {root_crl.get(), inter_crl.get()}), leaf);
  EXPECT_EQ(r.status, VerifyStatus::revoked) << r.reason;
  EXPECT_EQ(r.code, X509_V_ERR_CERT_REVOKED);
  EXPECT_EQ(r.depth, 1);  // the intermediate, not the leaf
}

TEST_F(CrlChainTest, RevokedIntermediateWasAdmittedWithALeafOnlyCheck) {
  // What X509_V_FLAG_CRL_CHECK alone (OpenSSL's leaf-only check, certgate before) makes of the same chain.
  X509CrlPtr root_crl = make_crl(root, {inter.cert.get()});
  X509CrlPtr inter_crl = make_crl(inter, {});
  auto ts = store({&root}, {root_crl.get(), inter_crl.get()});
  X509StackPtr sent = stack_of({inter.cert.get()});
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), ts->store(), leaf.cert.get(), sent.get()), 1);
  ts->configure(ctx.get());
  X509_VERIFY_PARAM_clear_flags(X509_STORE_CTX_get0_param(ctx.get()), X509_V_FLAG_CRL_CHECK_ALL);
  EXPECT_EQ(X509_verify_cert(ctx.get()), 1);
  EXPECT_NE(verify_flags(true) & X509_V_FLAG_CRL_CHECK_ALL, 0u);
}

TEST_F(CrlChainTest, BothCrlsPresentAndNothingRevokedVerifies) {
  X509CrlPtr root_crl = make_crl(root, {});
  X509CrlPtr inter_crl = make_crl(inter, {});
  core::VerifyResult r = verify(*store({&root}, {root_crl.get(), inter_crl.get()}), leaf);
  EXPECT_EQ(r.status, VerifyStatus::ok) << r.reason;
}

TEST_F(CrlChainTest, LeafRevokedOnTheIntermediatesCrlIsRevoked) {
  X509CrlPtr root_crl = make_crl(root, {});
  X509CrlPtr inter_crl = make_crl(inter, {leaf.cert.get()});
  core::VerifyResult r = verify(*store({&root}, {root_crl.get(), inter_crl.get()}), leaf);
  EXPECT_EQ(r.status, VerifyStatus::revoked) << r.reason;
  EXPECT_EQ(r.depth, 0);
}

TEST_F(CrlChainTest, MissingIntermediateCrlIsUntrustedAndNamesItsIssuer) {
  X509CrlPtr root_crl = make_crl(root, {});
  core::VerifyResult r = verify(*store({&root}, {root_crl.get()}), leaf);
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_CRL);
  EXPECT_EQ(r.depth, 0);  // the leaf, whose issuer's CRL is missing
  EXPECT_EQ(r.reason, "unable to get certificate CRL: no CRL issued by 'CN=CRL Intermediate,O=Certgate Test' is loaded");
}

TEST_F(CrlChainTest, MissingRootCrlIsUntrustedAtTheIntermediate) {
  X509CrlPtr inter_crl = make_crl(inter, {});
  core::VerifyResult r = verify(*store({&root}, {inter_crl.get()}), leaf);
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_CRL);
  EXPECT_EQ(r.depth, 1);
  EXPECT_EQ(r.reason, "unable to get certificate CRL: no CRL issued by 'CN=CRL Root,O=Certgate Test' is loaded");
}

TEST_F(CrlChainTest, ExpiredIntermediateCrlIsUntrustedAndNamesTheCrl) {
  X509CrlPtr root_crl = make_crl(root, {});
  X509CrlPtr stale = make_crl(inter, {}, std::time(nullptr) - 60);
  core::VerifyResult r = verify(*store({&root}, {root_crl.get(), stale.get()}), leaf);
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_CRL_HAS_EXPIRED);
  EXPECT_EQ(r.reason, "CRL expired (the CRL issued by 'CN=CRL Intermediate,O=Certgate Test' is past its nextUpdate)");
  EXPECT_TRUE(r.warning.empty());
}

// crl_expired = "warn": the stale CRL still serves, and says so.
TEST_F(CrlChainTest, ExpiredCrlAdmitsWithAWarningWhenAccepted) {
  X509CrlPtr root_crl = make_crl(root, {});
  X509CrlPtr stale = make_crl(inter, {}, std::time(nullptr) - 3600);
  const std::string stale_file = dir.write("stale.pem", pem_of(stale.get()));
  const std::string root_file = dir.write("root-crl.pem", pem_of(root_crl.get()));
  auto ts = TrustStore::load({dir.write("root.pem", pem_of(root.cert.get()))}, {root_file, stale_file}, 2, true);
  EXPECT_TRUE(ts->accepts_expired_crls());
  core::VerifyResult r = verify(*ts, leaf);
  EXPECT_EQ(r.status, VerifyStatus::ok) << r.reason;
  EXPECT_EQ(r.code, X509_V_OK);
  EXPECT_NE(r.warning.find("CRL expired: the CRL issued by 'CN=CRL Intermediate,O=Certgate Test' (" + stale_file +
                           ") passed its nextUpdate at "),
            std::string::npos)
      << r.warning;
  EXPECT_NE(r.warning.find("crl_expired = \"warn\""), std::string::npos) << r.warning;
  // A current CRL forgives nothing: no warning.
  X509CrlPtr fresh = make_crl(inter, {});
  auto current = TrustStore::load({dir.write("root2.pem", pem_of(root.cert.get()))},
                                  {root_file, dir.write("fresh.pem", pem_of(fresh.get()))}, 2, true);
  core::VerifyResult ok = verify(*current, leaf);
  EXPECT_EQ(ok.status, VerifyStatus::ok) << ok.reason;
  EXPECT_TRUE(ok.warning.empty()) << ok.warning;
}

TEST_F(CrlChainTest, ARevocationOnAnAcceptedExpiredCrlStillRefuses) {
  X509CrlPtr root_crl = make_crl(root, {});
  X509CrlPtr stale = make_crl(inter, {leaf.cert.get()}, std::time(nullptr) - 60);
  auto ts = TrustStore::load({dir.write("root.pem", pem_of(root.cert.get()))},
                             {dir.write("root-crl.pem", pem_of(root_crl.get())), dir.write("stale.pem", pem_of(stale.get()))},
                             2, true);
  core::VerifyResult r = verify(*ts, leaf);
  EXPECT_EQ(r.status, VerifyStatus::revoked) << r.reason;
  EXPECT_EQ(r.code, X509_V_ERR_CERT_REVOKED);
  EXPECT_EQ(r.depth, 0);
}

TEST_F(CrlChainTest, AnIntermediateAnchorNeedsNoCrlForItself) {
  // Configured as the anchor: its own issuer's CRL cannot even be verified here; the leaf's CRL is enough.
  X509CrlPtr inter_crl = make_crl(inter, {});
  auto ts = store({&inter}, {inter_crl.get()});
  EXPECT_EQ(ts->verify(leaf.cert.get(), nullptr).status, VerifyStatus::ok);
  // Its CRL is still required for what it issued.
  X509CrlPtr other_crl = make_crl(root, {});
  core::VerifyResult r = store({&inter}, {other_crl.get()})->verify(leaf.cert.get(), nullptr);
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_CRL);
  EXPECT_EQ(r.depth, 0);
}

TEST_F(CrlChainTest, AnIntermediateAnchorListedOnALoadedCrlOfItsIssuerIsRevoked) {
  X509CrlPtr root_crl = make_crl(root, {inter.cert.get()});
  X509CrlPtr inter_crl = make_crl(inter, {});
  core::VerifyResult r = store({&inter}, {root_crl.get(), inter_crl.get()})->verify(leaf.cert.get(), nullptr);
  EXPECT_EQ(r.status, VerifyStatus::revoked) << r.reason;
  EXPECT_EQ(r.depth, 1);
}

TEST_F(CrlChainTest, RootAndIntermediateBothAnchorsTheRootsCrlStillCounts) {
  X509CrlPtr root_crl = make_crl(root, {inter.cert.get()});
  X509CrlPtr inter_crl = make_crl(inter, {});
  core::VerifyResult r = verify(*store({&root, &inter}, {root_crl.get(), inter_crl.get()}), leaf);
  EXPECT_EQ(r.status, VerifyStatus::revoked) << r.reason;
  EXPECT_EQ(r.depth, 1);
}

TEST_F(CrlChainTest, TheHandshakeContextGetsTheSameVerdictAndError) {
  // What the server's verify callback does: verify_chain() on a context it did not make.
  X509CrlPtr root_crl = make_crl(root, {inter.cert.get()});
  X509CrlPtr inter_crl = make_crl(inter, {});
  auto ts = store({&root}, {root_crl.get(), inter_crl.get()});
  X509StackPtr sent = stack_of({inter.cert.get()});
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), ts->store(), leaf.cert.get(), sent.get()), 1);
  core::VerifyResult r = ts->verify_chain(ctx.get());
  EXPECT_EQ(r.status, VerifyStatus::revoked);
  EXPECT_EQ(X509_STORE_CTX_get_error(ctx.get()), X509_V_ERR_CERT_REVOKED);
  EXPECT_EQ(X509_STORE_CTX_get_error_depth(ctx.get()), 1);
}

}  // namespace
}  // namespace certgate::tls
