#include <gtest/gtest.h>

#include "config/cert_text.hpp"
#include "config_test_support.hpp"
#include "core/sha256.hpp"

namespace certgate::config {
namespace {

using test_support::kLeafDer;
using test_support::kLeafPem;
using test_support::kLeafSha256;
using test_support::read_bytes;

TEST(Base64, KnownVectorsBothWays) {
  // RFC 4648 section 10.
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain);
  }
}

TEST(Base64, BinaryRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
}

TEST(Base64, WhitespaceAnywhereIsIgnored) {
  EXPECT_EQ(base64_decode(" Zm9v\r\nYm\tFy \n"), "foobar");
  EXPECT_EQ(base64_decode("Zm9vYg\n=="), "foob");
}

TEST(Base64, RejectsForeignCharactersAndBadPadding) {
  for (const char* bad : {"Zm9v!", "Zm-9", "Zg=", "Zg===", "Zg==Zg==", "Z", "Zm9vY", "=Zg="}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << "'" << bad << "'";
  }
  EXPECT_EQ(base64_decode("Zg"), "f");  // unpadded is unambiguous
}

TEST(PemCertificates, ReadsTheRealLeaf) {
  auto certs = pem_certificates(read_bytes(kLeafPem));
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(core::sha256_hex(certs[0]), kLeafSha256);
  EXPECT_EQ(certs[0], read_bytes(kLeafDer));
}

TEST(PemCertificates, EveryBlockInOrder) {
  std::string pem = read_bytes(kLeafPem);
  std::string other = "-----BEGIN CERTIFICATE-----\n" + base64_encode(std::string("\x30\x03\x02\x01\x05", 5)) +
                      "\n-----END CERTIFICATE-----\n";
  auto certs = pem_certificates(pem + "junk between\n" + other);
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(core::sha256_hex(certs[0]), kLeafSha256);
  EXPECT_EQ(certs[1], std::string("\x30\x03\x02\x01\x05", 5));
  EXPECT_TRUE(pem_certificates("no armour here").empty());
}

TEST(CertificateDer, FromPemDerAndIisBlob) {
  std::string der = read_bytes(kLeafDer);
  EXPECT_EQ(certificate_der(read_bytes(kLeafPem)), der);
  EXPECT_EQ(certificate_der(der), der);
  std::string blob = base64_encode(der);
  EXPECT_EQ(certificate_der(blob), der);
  std::string wrapped;
  for (std::size_t i = 0; i < blob.size(); i += 64) wrapped += blob.substr(i, 64) + "\r\n  ";
  EXPECT_EQ(certificate_der(wrapped), der);
}

TEST(CertificateDer, NothingRecognisable) {
  EXPECT_FALSE(certificate_der("").has_value());
  EXPECT_FALSE(certificate_der("hello world").has_value());
  EXPECT_FALSE(certificate_der(base64_encode("not a DER sequence")).has_value());
  EXPECT_FALSE(certificate_der("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n").has_value());
  // A truncated DER sequence: the length says more than there is.
  std::string der = read_bytes(kLeafDer);
  EXPECT_FALSE(certificate_der(der.substr(0, der.size() - 1)).has_value());
}

}  // namespace
}  // namespace certgate::config
