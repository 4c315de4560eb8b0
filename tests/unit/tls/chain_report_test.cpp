#include "tls/chain_report.hpp"

#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include "cloudflare_fixtures.hpp"
#include "test_pki.hpp"
#include "tls/cert_loader.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

TEST(ChainReport, ShowsTheChainThroughAnIntermediate) {
  TempDir dir;
  Issued root = make_ca("root");
  Issued intermediate = make_ca("intermediate", &root);
  Issued leaf = make_client(intermediate, "client");
  auto trust = TrustStore::load({dir.write("root.pem", pem_of(root.cert.get()))}, {}, 2);
  X509StackPtr sent = stack_of({intermediate.cert.get()});

  const ChainReport report = chain_report(*trust, leaf.cert.get(), sent.get(), std::time(nullptr));
  ASSERT_EQ(report.chain.size(), 3u);
  EXPECT_EQ(report.chain[0].subject, "CN=client");
  EXPECT_EQ(report.chain[1].subject, "CN=intermediate,O=Certgate Test");
  EXPECT_FALSE(report.chain[1].trust_anchor);
  EXPECT_TRUE(report.chain[2].trust_anchor);
  EXPECT_TRUE(report.problems.empty());
  // The verdict is TrustStore::verify()'s; the report agrees with it.
  EXPECT_EQ(trust->verify(leaf.cert.get(), sent.get()).status, core::VerifyStatus::ok);
}

TEST(ChainReport, CollectsEveryProblemOfTheRealCloudflareChain) {
  // Today both the 2016 leaf and the 2015-2020 CA have expired: verify() stops at the first, the report
  // names both.
  auto trust = TrustStore::load({cloudflare::ca_2015}, {}, 2);
  CertBundle leaf = load_cert_bundle(cloudflare::leaf_pem);
  const ChainReport report = chain_report(*trust, leaf.certs[0].get(), nullptr, std::time(nullptr));
  ASSERT_EQ(report.chain.size(), 2u);
  EXPECT_TRUE(report.chain[1].trust_anchor);
  ASSERT_EQ(report.problems.size(), 2u);
  for (const ChainProblem& problem : report.problems) {
    EXPECT_EQ(problem.code, X509_V_ERR_CERT_HAS_EXPIRED);
    EXPECT_EQ(problem.reason, "certificate has expired");
  }

  const ChainReport then = chain_report(*trust, leaf.certs[0].get(), nullptr, cloudflare::inside_leaf_validity());
  EXPECT_TRUE(then.problems.empty());
  EXPECT_EQ(trust->verify(leaf.certs[0].get(), nullptr, cloudflare::inside_leaf_validity()).status,
            core::VerifyStatus::ok);
}

TEST(ChainReport, UntrustedLeafHasAOneLinkChain) {
  TempDir dir;
  Issued trusted = make_ca("trusted");
  Issued other = make_ca("other");
  Issued leaf = make_client(other, "stranger");
  auto trust = TrustStore::load({dir.write("ca.pem", pem_of(trusted.cert.get()))}, {}, 2);
  const ChainReport report = chain_report(*trust, leaf.cert.get(), nullptr, std::time(nullptr));
  ASSERT_EQ(report.chain.size(), 1u);
  ASSERT_FALSE(report.problems.empty());
  EXPECT_EQ(report.problems[0].code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_EQ(report.problems[0].depth, 0);
}

}  // namespace
}  // namespace certgate::tls
