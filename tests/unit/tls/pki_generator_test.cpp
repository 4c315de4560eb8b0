#include "tls/pki_generator.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "tls/cert_info.hpp"

namespace certgate::tls {
namespace {

CertSpec ca_spec(KeyType type) {
  CertSpec spec;
  spec.subject = {{"CN", "pki test CA"}};
  spec.is_ca = true;
  spec.path_len = 0;
  spec.key_type = type;
  spec.not_after_offset = 3650LL * 86400;
  return spec;
}

CertSpec edge_spec() {
  CertSpec spec;
  spec.subject = {{"CN", "www.example.com"}};
  spec.dns_names = {"www.example.com"};
  spec.client_auth = true;
  return spec;
}

bool verifies(X509* leaf, X509* ca) {
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  return X509_verify_cert(ctx.get()) == 1;
}

TEST(PkiGenerator, KeyTypesByName) {
  for (const char* name : {"ec-p256", "ec-p384", "rsa-2048", "rsa-3072"}) {
    auto type = key_type_named(name);
    ASSERT_TRUE(type) << name;
    EXPECT_EQ(key_type_name(*type), name);
  }
  EXPECT_FALSE(key_type_named("ed25519"));
  EXPECT_FALSE(key_type_named("EC-P256"));
}

TEST(PkiGenerator, GeneratesEachKeyType) {
  const std::vector<std::tuple<KeyType, std::string, int>> cases = {
      {KeyType::ec_p256, "EC", 256}, {KeyType::ec_p384, "EC", 384}, {KeyType::rsa_2048, "RSA", 2048},
      {KeyType::rsa_3072, "RSA", 3072}};
  for (const auto& [type, family, bits] : cases) {
    const Issued ca = issue_certificate(ca_spec(type), nullptr);
    const CertInfo info = cert_info(ca.cert.get());
    EXPECT_EQ(info.key_type, family) << key_type_name(type);
    EXPECT_EQ(info.key_bits, bits) << key_type_name(type);
  }
}

TEST(PkiGenerator, CaProfile) {
  const Issued ca = issue_certificate(ca_spec(KeyType::ec_p256), nullptr);
  X509* cert = ca.cert.get();
  int critical = -1;
  auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, &critical, nullptr));
  ASSERT_NE(bc, nullptr);
  EXPECT_EQ(critical, 1);
  EXPECT_TRUE(bc->ca);
  ASSERT_NE(bc->pathlen, nullptr);
  EXPECT_EQ(ASN1_INTEGER_get(bc->pathlen), 0);
  BASIC_CONSTRAINTS_free(bc);
  EXPECT_EQ(X509_get_key_usage(cert), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NE(X509_get0_subject_key_id(cert), nullptr);
  EXPECT_TRUE(cert_info(cert).self_signed);
}

TEST(PkiGenerator, EdgeLeafProfileChainsToItsCa) {
  const Issued ca = issue_certificate(ca_spec(KeyType::ec_p256), nullptr);
  const Issued leaf = issue_certificate(edge_spec(), &ca);
  const CertInfo info = cert_info(leaf.cert.get());
  EXPECT_EQ(info.ca, std::optional<bool>(false));
  EXPECT_EQ(info.eku, std::vector<std::string>{"clientAuth"});
  EXPECT_EQ(info.digest.subject.rfc4514, "CN=www.example.com");
  EXPECT_EQ(info.digest.dns_names, std::vector<std::string>{"www.example.com"});
  EXPECT_EQ(X509_get_key_usage(leaf.cert.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_NE(X509_get0_authority_key_id(leaf.cert.get()), nullptr);
  EXPECT_NE(X509_get0_subject_key_id(leaf.cert.get()), nullptr);
  EXPECT_TRUE(verifies(leaf.cert.get(), ca.cert.get()));
  EXPECT_TRUE(key_matches(leaf.cert.get(), leaf.key.get()));
  EXPECT_FALSE(key_matches(leaf.cert.get(), ca.key.get()));
  const Issued other = issue_certificate(ca_spec(KeyType::ec_p256), nullptr);
  EXPECT_FALSE(verifies(leaf.cert.get(), other.cert.get()));
}

TEST(PkiGenerator, PrivateKeyPemIsPkcs8) {
  for (KeyType type : {KeyType::ec_p256, KeyType::rsa_2048}) {
    const std::string pem = private_key_pem(generate_key(type).get());
    EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << pem;
  }
}

TEST(PkiGenerator, DemoSpecsStayP256WithoutPathLength) {
  CertSpec spec;
  spec.is_ca = true;
  const Issued ca = issue_certificate(spec, nullptr);
  EXPECT_EQ(cert_info(ca.cert.get()).curve, "P-256");
  auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(ca.cert.get(), NID_basic_constraints, nullptr, nullptr));
  ASSERT_NE(bc, nullptr);
  EXPECT_EQ(bc->pathlen, nullptr);
  BASIC_CONSTRAINTS_free(bc);
}

}  // namespace
}  // namespace certgate::tls
