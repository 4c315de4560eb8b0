#include "tls/cert_info.hpp"

#include <gtest/gtest.h>

#include "cloudflare_fixtures.hpp"
#include "test_pki.hpp"
#include "tls/cert_loader.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

CertInfo info_of(const std::string& path) { return cert_info(load_cert_bundle(path).certs.front().get()); }

TEST(CertInfo, RealCloudflareLeaf) {
  const CertInfo info = info_of(cloudflare::leaf_der);
  EXPECT_EQ(info.key_type, "RSA");
  EXPECT_EQ(info.key_bits, 3072);
  EXPECT_EQ(info.eku, std::vector<std::string>{"clientAuth"});
  EXPECT_EQ(info.ca, std::optional<bool>(false));
  EXPECT_FALSE(info.self_signed) << "subject == issuer, but signed by the CA's key";
  EXPECT_EQ(info.digest.sha256_hex, "63749ef9c7baed3421868a96e4cc0ccb9fda80eb65dd51fca62841a2314fce82");
}

TEST(CertInfo, RealCloudflareCa) {
  const CertInfo info = info_of(cloudflare::ca_2019);
  EXPECT_EQ(info.key_type, "RSA");
  EXPECT_EQ(info.key_bits, 4096);
  EXPECT_TRUE(info.eku.empty());
  EXPECT_EQ(info.ca, std::optional<bool>(true));
  EXPECT_TRUE(info.self_signed);
}

TEST(CertInfo, EcKeyNamesItsCurve) {
  Issued ca = make_ca("EC CA");
  const CertInfo info = cert_info(ca.cert.get());
  EXPECT_EQ(info.key_type, "EC");
  EXPECT_EQ(info.curve, "P-256");
  EXPECT_EQ(info.key_bits, 256);
  EXPECT_EQ(info.signature_algorithm, "ecdsa-with-SHA256");
}

TEST(CertInfo, NoBasicConstraintsIsUnknownNotFalse) {
  // The Cloudflare Origin ECC CA has basicConstraints; a certificate made without the extension has none.
  X509Ptr cert(X509_new());
  ASSERT_TRUE(cert);
  EXPECT_FALSE(cert_info(cert.get()).ca.has_value());
  EXPECT_EQ(eku_long_name("clientAuth"), "TLS Web Client Authentication");
  EXPECT_EQ(eku_long_name("no-such-usage"), "");
}

}  // namespace
}  // namespace certgate::tls
