// The real Cloudflare AOP certificates through the loader, the digest and the trust store.
#include <functional>

#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include "cloudflare_fixtures.hpp"
#include "tls/cert_loader.hpp"
#include "tls/chain_rules.hpp"
#include "tls/digest.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {
namespace {

using namespace cloudflare;
using core::VerifyStatus;

X509Ptr load_one(const std::string& path) {
  CertBundle b = load_cert_bundle(path);
  EXPECT_EQ(b.certs.size(), 1u) << path;
  return std::move(b.certs.at(0));
}

TEST(CloudflareCerts, OriginPullCa2019LoadsAsTrustAnchor) {
  auto ts = TrustStore::load({ca_2019}, {}, 2);
  ASSERT_EQ(ts->anchors().size(), 1u);
  core::CertDigest d = digest_of(ts->anchors()[0].get());
  EXPECT_EQ(d.sha256_hex, "9a1ac2b4be15f9f27eee20a734cba4e9898f61001b3bd7c84b69b56a3e25a2b9");  // README
  EXPECT_EQ(d.subject.values_of("2.5.4.3").at(0), "origin-pull.cloudflare.net");
}

TEST(CloudflareCerts, LeafDigestKeepsTheUnusualRdnOrder) {
  X509Ptr leaf = load_one(leaf_pem);
  core::CertDigest d = digest_of(leaf.get());
  std::vector<std::string> names, values;
  for (const auto& a : d.subject.attributes) {
    names.push_back(a.short_name);
    values.push_back(a.value);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"C", "O", "OU", "L", "ST", "CN"}));
  EXPECT_EQ(values, (std::vector<std::string>{"US", "CloudFlare, Inc.", "Origin Pull", "San Francisco", "California",
                                               "origin-pull.cloudflare.net"}));
  EXPECT_EQ(d.subject.attributes[4].oid, "2.5.4.8");
  EXPECT_EQ(d.subject.rfc4514,
            "CN=origin-pull.cloudflare.net,ST=California,L=San Francisco,OU=Origin Pull,O=CloudFlare\\, Inc.,C=US");
  EXPECT_EQ(d.issuer.rfc4514, d.subject.rfc4514);  // subject == issuer, yet not self-signed
  EXPECT_EQ(d.serial_hex, "33DC7A16B953F7E6");
  EXPECT_EQ(d.sha256_hex, "63749ef9c7baed3421868a96e4cc0ccb9fda80eb65dd51fca62841a2314fce82");  // README
  EXPECT_EQ(d.not_before, testpki::utc(2016, 1, 8) + 44 * 60);
  EXPECT_EQ(d.not_after, testpki::utc(2017, 1, 7) + 44 * 60);
}

TEST(CloudflareCerts, DerFormLoadsTheSameCertificate) {
  X509Ptr pem = load_one(leaf_pem);
  X509Ptr der = load_one(leaf_der);
  EXPECT_EQ(to_der(pem.get()), to_der(der.get()));
  EXPECT_EQ(to_der(der.get()), read_file(leaf_der));
}

TEST(CloudflareCerts, LeafVerifiesInsideItsValidityAgainstTheCaOfThatTime) {
  X509Ptr leaf = load_one(leaf_pem);
  core::VerifyResult r = TrustStore::load({ca_2015}, {}, 2)->verify(leaf.get(), nullptr, inside_leaf_validity());
  EXPECT_EQ(r.status, VerifyStatus::ok) << r.reason;
  // With both issues of the CA configured (rotation), OpenSSL picks the one valid at that time.
  r = TrustStore::load({ca_2019, ca_2015}, {}, 2)->verify(leaf.get(), nullptr, inside_leaf_validity());
  EXPECT_EQ(r.status, VerifyStatus::ok) << r.reason;
}

TEST(CloudflareCerts, RealChainPassesStrictVerificationAndTheOwnRules) {
  // X509_V_FLAG_X509_STRICT and POLICY_CHECK are on, and the chain OpenSSL builds breaks none of certgate's
  // own rules (chain_rules.hpp): checked on the chain itself, so that a later rule cannot pass by accident.
  ASSERT_NE(verify_flags(false) & X509_V_FLAG_X509_STRICT, 0u);
  X509Ptr leaf = load_one(leaf_pem);
  for (const std::vector<std::string>& anchors :
       {std::vector<std::string>{ca_2015}, std::vector<std::string>{ca_2019, ca_2015}}) {
    auto ts = TrustStore::load(anchors, {}, 2);
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), ts->store(), leaf.get(), nullptr), 1);
    X509_STORE_CTX_set_time(ctx.get(), 0, inside_leaf_validity());
    core::VerifyResult r = ts->verify_chain(ctx.get());
    EXPECT_EQ(r.status, VerifyStatus::ok) << r.reason;
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
    ASSERT_EQ(sk_X509_num(chain), 2);
    EXPECT_TRUE(chain_rule_violations(chain, X509_STORE_CTX_get_num_untrusted(ctx.get())).empty());
  }
}

TEST(CloudflareCerts, WithCrlsConfiguredTheRealChainNeedsTheCasCrl) {
  // The origin-pull CA publishes no CRL (none of its certificates names a distribution point): a block that
  // trusts it and configures CRLs (for another CA) refuses every origin pull, fail closed.
  testpki::TempDir dir;
  testpki::Issued other = testpki::make_ca("Other CA with a CRL");
  X509CrlPtr crl = testpki::make_crl(other, {});
  const std::string crl_file = dir.write("other.crl", testpki::pem_of(crl.get()));
  X509Ptr leaf = load_one(leaf_pem);
  core::VerifyResult r = TrustStore::load({ca_2015}, {crl_file}, 2)->verify(leaf.get(), nullptr, inside_leaf_validity());
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_CRL);
  EXPECT_EQ(r.depth, 0);
  EXPECT_NE(r.reason.find("no CRL issued by 'CN=origin-pull.cloudflare.net,"), std::string::npos) << r.reason;
}

TEST(CloudflareCerts, The2019CaIsNotYetValidIn2016) {
  // OpenSSL checks the anchor's own validity window; the 2019 issue only starts on 2019-10-10.
  X509Ptr leaf = load_one(leaf_pem);
  core::VerifyResult r = TrustStore::load({ca_2019}, {}, 2)->verify(leaf.get(), nullptr, inside_leaf_validity());
  EXPECT_EQ(r.status, VerifyStatus::not_yet_valid);
  EXPECT_EQ(r.depth, 1);
}

TEST(CloudflareCerts, LeafIsExpiredToday) {
  X509Ptr leaf = load_one(leaf_pem);
  core::VerifyResult r = TrustStore::load({ca_2019}, {}, 2)->verify(leaf.get(), nullptr);
  EXPECT_EQ(r.status, VerifyStatus::expired);
  EXPECT_EQ(r.code, X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(r.depth, 0);
  EXPECT_EQ(r.reason, "certificate has expired");
}

TEST(CloudflareCerts, BadDataDoesNotLoad) {
  EXPECT_THROW(load_cert_bundle(bad_data), LoadError);
  try {
    load_cert_bundle(bad_data);
  } catch (const LoadError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(bad_data + ": ", 0), 0u) << e.what();
  }
}

TEST(CloudflareCerts, BadAlgorithmAndBadSignatureLoadButAreUntrusted) {
  auto ts_2016 = TrustStore::load({ca_2015}, {}, 2);
  auto ts_today = TrustStore::load({ca_2019}, {}, 2);
  for (const std::string& path : {bad_algorithm, bad_signature}) {
    X509Ptr leaf = load_one(path);
    core::VerifyResult then = ts_2016->verify(leaf.get(), nullptr, inside_leaf_validity());
    EXPECT_EQ(then.status, VerifyStatus::untrusted) << path << ": " << then.reason;
    EXPECT_EQ(then.depth, 0) << path;
    // Today too: OpenSSL checks a certificate's signature before its validity, so a forged leaf
    // reads as untrusted rather than expired.
    core::VerifyResult now = ts_today->verify(leaf.get(), nullptr);
    EXPECT_EQ(now.status, VerifyStatus::untrusted) << path << ": " << now.reason;
  }
}

TEST(CloudflareCerts, CorruptedCaCopyVerifiesNothing) {
  auto ts = TrustStore::load({corrupted_ca}, {}, 2);
  ASSERT_EQ(ts->anchors().size(), 1u);  // it parses: real subject, serial and dates
  X509Ptr leaf = load_one(leaf_pem);
  core::VerifyResult now = ts->verify(leaf.get(), nullptr);
  EXPECT_EQ(now.status, VerifyStatus::untrusted) << now.reason;
  EXPECT_EQ(now.code, X509_V_ERR_CERT_SIGNATURE_FAILURE);
  // In 2016 the copy (dated 2019-2029 like the real 2019 issue) is itself not yet valid, and OpenSSL
  // checks the anchor's dates before the leaf's signature.
  core::VerifyResult then = ts->verify(leaf.get(), nullptr, inside_leaf_validity());
  EXPECT_NE(then.status, VerifyStatus::ok);
  EXPECT_EQ(then.status, VerifyStatus::not_yet_valid);
  EXPECT_EQ(then.depth, 1);
  // Next to the good CA of the time, the copy does no harm.
  auto both = TrustStore::load({corrupted_ca, ca_2015}, {}, 2);
  EXPECT_EQ(both->verify(leaf.get(), nullptr, inside_leaf_validity()).status, VerifyStatus::ok);
}

TEST(CloudflareCerts, OriginCaIsNotTheClientAnchor) {
  X509Ptr leaf = load_one(leaf_pem);
  auto ts = TrustStore::load({origin_ca_rsa}, {}, 2);
  core::VerifyResult r = ts->verify(leaf.get(), nullptr, inside_leaf_validity());
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

}  // namespace
}  // namespace certgate::tls
