#include "tls/digest.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "test_pki.hpp"
#include "tls/cert_loader.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

std::string digest_hex(const std::string& bytes, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), out, &len, md, nullptr), 1);
  return lower_hex(out, len);
}

std::vector<std::string> short_names(const core::DistinguishedName& dn) {
  std::vector<std::string> out;
  for (const auto& a : dn.attributes) out.push_back(a.short_name);
  return out;
}

std::vector<std::string> values(const core::DistinguishedName& dn) {
  std::vector<std::string> out;
  for (const auto& a : dn.attributes) out.push_back(a.value);
  return out;
}

class DigestTest : public ::testing::Test {
 protected:
  // Digests the certificate as a peer would send it: re-read from its DER (where the AVAs of a
  // multi-valued RDN are in DER SET OF order, not in the order they were added).
  core::CertDigest digest(const Issued& cert) {
    CertBundle b = parse_cert_bundle(der_of(cert.cert.get()), "peer.der");
    return digest_of(b.certs.at(0).get());
  }

  Issued ca = make_ca("Digest CA");
};

TEST_F(DigestTest, EveryAttributeInCertificateOrderWithOidsAndShortNames) {
  CertSpec spec;
  spec.subject = {{"C", "DE"},          {"ST", "Bayern"},      {"L", "München"},
                  {"O", "Beispiel AG"}, {"OU", "Vertrieb"},    {"OU", "Außendienst"},
                  {"CN", "anna"},       {"UID", "a42", true},  {"emailAddress", "anna@example.de"},
                  {"1.3.6.1.4.1.99999.1", "custom"}};
  Issued leaf = make_leaf(ca, spec);
  core::CertDigest d = digest(leaf);

  EXPECT_EQ(short_names(d.subject), (std::vector<std::string>{"C", "ST", "L", "O", "OU", "OU", "CN", "UID",
                                                               "emailAddress", "1.3.6.1.4.1.99999.1"}));
  EXPECT_EQ(values(d.subject), (std::vector<std::string>{"DE", "Bayern", "München", "Beispiel AG", "Vertrieb",
                                                          "Außendienst", "anna", "a42", "anna@example.de", "custom"}));
  ASSERT_EQ(d.subject.attributes.size(), 10u);
  EXPECT_EQ(d.subject.attributes[0].oid, "2.5.4.6");
  EXPECT_EQ(d.subject.attributes[1].oid, "2.5.4.8");
  EXPECT_EQ(d.subject.attributes[4].oid, "2.5.4.11");
  EXPECT_EQ(d.subject.attributes[6].oid, "2.5.4.3");
  EXPECT_EQ(d.subject.attributes[7].oid, "0.9.2342.19200300.100.1.1");
  EXPECT_EQ(d.subject.attributes[8].oid, "1.2.840.113549.1.9.1");
  EXPECT_EQ(d.subject.attributes[9].oid, "1.3.6.1.4.1.99999.1");

  // values_of() sees both OUs, in order.
  auto ous = d.subject.values_of("2.5.4.11");
  ASSERT_EQ(ous.size(), 2u);
  EXPECT_EQ(ous[0], "Vertrieb");
  EXPECT_EQ(ous[1], "Außendienst");

  // The issuer is digested the same way.
  EXPECT_EQ(short_names(d.issuer), (std::vector<std::string>{"O", "CN"}));
  EXPECT_EQ(values(d.issuer), (std::vector<std::string>{"Certgate Test", "Digest CA"}));
}

TEST_F(DigestTest, Rfc4514IsReversedEscapedAndShowsMultiValuedRdns) {
  CertSpec spec;
  spec.subject = {{"C", "US"}, {"O", "Example, Inc."}, {"OU", "Ops"}, {"CN", "svc"}, {"UID", "7", true}};
  core::CertDigest d = digest(make_leaf(ca, spec));
  // Least significant RDN first; inside a multi-valued RDN the AVAs are a set, printed in reverse
  // DER order like the rest.
  EXPECT_EQ(d.subject.rfc4514, "UID=7+CN=svc,OU=Ops,O=Example\\, Inc.,C=US");
  EXPECT_EQ(d.issuer.rfc4514, "CN=Digest CA,O=Certgate Test");
}

TEST_F(DigestTest, Rfc4514EscapesNonAsciiAsUtf8Pairs) {
  CertSpec spec;
  spec.subject = {{"CN", "Jürgen"}};
  core::CertDigest d = digest(make_leaf(ca, spec));
  EXPECT_EQ(d.subject.rfc4514, "CN=J\\C3\\BCrgen");
  EXPECT_EQ(d.subject.attributes.at(0).value, "Jürgen");
}

TEST_F(DigestTest, SubjectAltNamesOfEachType) {
  CertSpec spec;
  spec.subject = {{"CN", "san"}};
  spec.san = "DNS:a.example.com,DNS:*.b.example.com,IP:192.0.2.7,IP:2001:db8::1,email:ops@example.com,"
             "URI:spiffe://example.org/ns/prod/sa/api,otherName:1.2.3.4;UTF8:ignored";
  core::CertDigest d = digest(make_leaf(ca, spec));
  EXPECT_EQ(d.dns_names, (std::vector<std::string>{"a.example.com", "*.b.example.com"}));
  EXPECT_EQ(d.ip_addresses, (std::vector<std::string>{"192.0.2.7", "2001:db8::1"}));
  EXPECT_EQ(d.emails, (std::vector<std::string>{"ops@example.com"}));
  EXPECT_EQ(d.uris, (std::vector<std::string>{"spiffe://example.org/ns/prod/sa/api"}));
}

TEST_F(DigestTest, NoSanMeansEmptyLists) {
  core::CertDigest d = digest(make_client(ca, "plain"));
  EXPECT_TRUE(d.dns_names.empty());
  EXPECT_TRUE(d.ip_addresses.empty());
  EXPECT_TRUE(d.emails.empty());
  EXPECT_TRUE(d.uris.empty());
}

TEST_F(DigestTest, SerialIsUppercaseHex) {
  CertSpec spec;
  spec.subject = {{"CN", "serial"}};
  spec.serial_hex = "0ab1c2d3e4f5061728";
  core::CertDigest d = digest(make_leaf(ca, spec));
  EXPECT_EQ(d.serial_hex, "0AB1C2D3E4F5061728");
}

TEST_F(DigestTest, FingerprintsAreOverTheDer) {
  Issued leaf = make_client(ca, "fp");
  core::CertDigest d = digest(leaf);
  const std::string der = der_of(leaf.cert.get());
  EXPECT_EQ(d.der, der);
  EXPECT_EQ(d.sha256_hex, digest_hex(der, EVP_sha256()));
  EXPECT_EQ(d.sha1_hex, digest_hex(der, EVP_sha1()));
  EXPECT_EQ(d.sha256_hex.size(), 64u);
  EXPECT_EQ(d.sha256_hex.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST_F(DigestTest, SpkiPinIsBase64Sha256OfSubjectPublicKeyInfo) {
  Issued leaf = make_client(ca, "pin");
  unsigned char* spki = nullptr;
  int len = i2d_PUBKEY(leaf.key.get(), &spki);  // the same SubjectPublicKeyInfo, from the key side
  ASSERT_GT(len, 0);
  unsigned char md[32];
  unsigned int md_len = 0;
  ASSERT_EQ(EVP_Digest(spki, static_cast<std::size_t>(len), md, &md_len, EVP_sha256(), nullptr), 1);
  OPENSSL_free(spki);
  unsigned char b64[64];
  int b64_len = EVP_EncodeBlock(b64, md, static_cast<int>(md_len));
  EXPECT_EQ(digest_of(leaf.cert.get()).spki_sha256_base64,
            std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(b64_len)));
}

TEST_F(DigestTest, ValidityAsUnixSeconds) {
  CertSpec spec;
  spec.subject = {{"CN", "times"}};
  spec.not_before = utc(2024, 2, 29);
  spec.not_after = utc(2051, 1, 1) + 3723;  // GeneralizedTime after 2049
  core::CertDigest d = digest(make_leaf(ca, spec));
  EXPECT_EQ(d.not_before, 1709164800);
  EXPECT_EQ(d.not_after, 2556144000 + 3723);
}

TEST_F(DigestTest, NullCertificateGivesAnEmptyDigest) {
  core::CertDigest d = digest_of(nullptr);
  EXPECT_TRUE(d.subject.attributes.empty());
  EXPECT_TRUE(d.der.empty());
}

}  // namespace
}  // namespace certgate::tls
