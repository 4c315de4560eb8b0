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

TEST(BlobProblem, ACertificateBlobHasNone) {
  const std::string blob = base64_encode(read_bytes(kLeafDer));
  EXPECT_EQ(blob_problem(blob), "");
  EXPECT_EQ(blob_problem(blob.substr(0, 30) + "\r\n  " + blob.substr(30)), "");  // line breaks tolerated
  EXPECT_EQ(blob_certificate_der(blob), read_bytes(kLeafDer));
}

TEST(BlobProblem, NamesWhatWasPastedInstead) {
  EXPECT_EQ(blob_problem(read_bytes(kLeafPem)), "PEM armour (-----BEGIN CERTIFICATE-----)");
  EXPECT_EQ(blob_problem("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----"),
            "a PEM block (-----BEGIN PRIVATE KEY-----), not a certificate");
  EXPECT_EQ(blob_problem("63749EF9C7BAED3421868A96E4CC0CCB9FDA80EB"), "a SHA-1 thumbprint (40 hex digits), not the certificate itself");
  EXPECT_EQ(blob_problem(kLeafSha256), "a SHA-256 thumbprint (64 hex digits), not the certificate itself");
  // 40 hex digits that are not written as a thumbprint would be: still one (hex is base64 too).
  EXPECT_EQ(blob_problem("\xE2\x80\x8E" "63:74:9e:f9:c7:ba:ed:34:21:86:8a:96:e4:cc:0c:cb:9f:da:80:eb"),
            "a SHA-1 thumbprint (40 hex digits), not the certificate itself");
  EXPECT_EQ(blob_problem("63749ef9c7baed34"), "base64 of 12 bytes that are not a DER certificate");
  EXPECT_EQ(blob_problem(base64_encode(read_bytes(kLeafPem))), "base64 of PEM text (the file was encoded with its armour)");
  EXPECT_EQ(blob_problem(base64_encode(std::string("\x30\x03\x02\x01\x03", 5))), "base64 of a PKCS#12 (.pfx) file");
  EXPECT_EQ(blob_problem(base64_encode(std::string("\x30\x03\x02\x01\x00", 5))), "base64 of a private key");
  EXPECT_EQ(blob_problem(base64_encode(std::string("\x30\x03\x06\x01\x2a", 5))),
            "base64 of a PKCS#7 (.p7b) or other container");
  EXPECT_EQ(blob_problem("a!b"), "not base64 ('!' at offset 1)");
  EXPECT_EQ(blob_problem("Zg="), "not base64 (its length or padding is wrong)");
  EXPECT_EQ(blob_problem(""), "empty");
  EXPECT_FALSE(blob_certificate_der("63749EF9C7BAED3421868A96E4CC0CCB9FDA80EB").has_value());
}

}  // namespace
}  // namespace certgate::config
