#include "tls/cert_loader.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>

#include "test_pki.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string wrapped(const std::string& text, std::size_t width, const std::string& eol) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += width) out += text.substr(i, width) + eol;
  return out;
}

bool same_cert(X509* a, X509* b) { return X509_cmp(a, b) == 0; }

std::string load_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(no LoadError)";
}

LoadError::Cause load_cause(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const LoadError& e) {
    return e.cause();
  }
  return LoadError::Cause::other;
}

std::string key_der(EVP_PKEY* key) {
  unsigned char* buf = nullptr;
  const int len = i2d_PrivateKey(key, &buf);
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

// A PKCS#7 SignedData holding certificates only, as `openssl crl2pkcs7 -nocrl` and Windows write it.
std::string pkcs7_of(const std::vector<X509*>& certs, const std::vector<X509_CRL*>& crls = {}) {
  PKCS7* p7 = PKCS7_new();
  PKCS7_set_type(p7, NID_pkcs7_signed);
  PKCS7_content_new(p7, NID_pkcs7_data);
  for (X509* cert : certs) PKCS7_add_certificate(p7, cert);
  for (X509_CRL* crl : crls) PKCS7_add_crl(p7, crl);
  unsigned char* buf = nullptr;
  const int len = i2d_PKCS7(p7, &buf);
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  PKCS7_free(p7);
  return out;
}

class CertLoaderTest : public ::testing::Test {
 protected:
  Issued root = make_ca("Loader Root");
  Issued inter = make_ca("Loader Intermediate", &root);
  Issued leaf = make_client(inter, "loader-client");
  TempDir dir;
};

TEST_F(CertLoaderTest, PemSingleCertificate) {
  CertBundle b = load_cert_bundle(dir.write("one.pem", pem_of(leaf.cert.get())));
  ASSERT_EQ(b.certs.size(), 1u);
  EXPECT_TRUE(same_cert(b.certs[0].get(), leaf.cert.get()));
  EXPECT_FALSE(b.key);
}

TEST_F(CertLoaderTest, PemChainKeepsFileOrderLeafFirst) {
  std::string text = pem_of(leaf.cert.get()) + pem_of(inter.cert.get()) + pem_of(root.cert.get());
  CertBundle b = load_cert_bundle(dir.write("chain.pem", text));
  ASSERT_EQ(b.certs.size(), 3u);
  EXPECT_TRUE(same_cert(b.certs[0].get(), leaf.cert.get()));
  EXPECT_TRUE(same_cert(b.certs[1].get(), inter.cert.get()));
  EXPECT_TRUE(same_cert(b.certs[2].get(), root.cert.get()));
}

TEST_F(CertLoaderTest, PemWithPrivateKeyAndCommentary) {
  std::string text = "Bag Attributes: friendlyName client\n" + pem_of(leaf.cert.get()) + "\n" +
                     key_pem(leaf.key.get()) + pem_of(inter.cert.get());
  CertBundle b = load_cert_bundle(dir.write("with-key.pem", text));
  ASSERT_EQ(b.certs.size(), 2u);
  ASSERT_TRUE(b.key);
  EXPECT_EQ(EVP_PKEY_eq(b.key.get(), leaf.key.get()), 1);
}

TEST_F(CertLoaderTest, PemWithEncryptedKeyNeedsItsPassword) {
  std::string path = dir.write("enc.pem", pem_of(leaf.cert.get()) + key_pem(leaf.key.get(), "s3cret"));
  CertBundle b = load_cert_bundle(path, "s3cret");
  ASSERT_TRUE(b.key);
  EXPECT_EQ(EVP_PKEY_eq(b.key.get(), leaf.key.get()), 1);
  std::string err = load_error([&] { load_cert_bundle(path, "wrong"); });
  EXPECT_EQ(err.rfind(path + ": private key could not be read", 0), 0u) << err;
}

TEST_F(CertLoaderTest, Der) {
  CertBundle b = load_cert_bundle(dir.write("leaf.der", der_of(leaf.cert.get())));
  ASSERT_EQ(b.certs.size(), 1u);
  EXPECT_TRUE(same_cert(b.certs[0].get(), leaf.cert.get()));
}

TEST_F(CertLoaderTest, DerWithTrailingGarbageIsRefused) {
  std::string path = dir.write("trail.der", der_of(leaf.cert.get()) + "garbage");
  std::string err = load_error([&] { load_cert_bundle(path); });
  EXPECT_EQ(err.rfind(path + ": ", 0), 0u) << err;
}

TEST_F(CertLoaderTest, IisBlobOneLineAndWrapped) {
  std::string blob = base64(der_of(leaf.cert.get()));
  for (const std::string& text : {blob, blob + "\n", wrapped(blob, 64, "\r\n"), "  " + wrapped(blob, 76, "\n  ")}) {
    CertBundle b = parse_cert_bundle(text, "blob.txt");
    ASSERT_EQ(b.certs.size(), 1u);
    EXPECT_TRUE(same_cert(b.certs[0].get(), leaf.cert.get()));
  }
}

TEST_F(CertLoaderTest, BlobOfGarbageIsNoCertificate) {
  EXPECT_EQ(load_error([] { parse_cert_bundle(base64("definitely not DER at all"), "b.txt"); }),
            "b.txt: no certificate found (expected PEM, DER, PKCS#7 (.p7b), PKCS#12 (.pfx) or the IIS base64 blob); "
            "give the certificate file");
}

TEST_F(CertLoaderTest, Pkcs12LeafChainAndKey) {
  std::string path = dir.write("client.p12", pkcs12_of(leaf, {inter.cert.get(), root.cert.get()}, "pfx-pass"));
  CertBundle b = load_cert_bundle(path, "pfx-pass");
  ASSERT_EQ(b.certs.size(), 3u);
  EXPECT_TRUE(same_cert(b.certs[0].get(), leaf.cert.get()));
  // The CA certificates follow the leaf (their order inside the PKCS#12 is the exporter's).
  bool inter_found = same_cert(b.certs[1].get(), inter.cert.get()) || same_cert(b.certs[2].get(), inter.cert.get());
  bool root_found = same_cert(b.certs[1].get(), root.cert.get()) || same_cert(b.certs[2].get(), root.cert.get());
  EXPECT_TRUE(inter_found && root_found);
  ASSERT_TRUE(b.key);
  EXPECT_EQ(EVP_PKEY_eq(b.key.get(), leaf.key.get()), 1);
}

TEST_F(CertLoaderTest, Pkcs12WrongPassword) {
  std::string p12 = pkcs12_of(leaf, {}, "right");
  EXPECT_EQ(load_cause([&] { parse_cert_bundle(p12, "x.p12", "wrong"); }), LoadError::Cause::password_wrong);
  EXPECT_EQ(load_error([&] { parse_cert_bundle(p12, "x.p12", "wrong"); }).rfind(
                "x.p12: the password given for this PKCS#12 (.pfx/.p12) file is wrong", 0),
            0u);
}

TEST_F(CertLoaderTest, Pkcs12WithoutPasswordSaysNoneWasGiven) {
  std::string p12 = pkcs12_of(leaf, {}, "right");
  EXPECT_EQ(load_cause([&] { parse_cert_bundle(p12, "x.p12", ""); }), LoadError::Cause::password_missing);
  const std::string err = load_error([&] { parse_cert_bundle(p12, "x.p12", ""); });
  EXPECT_EQ(err.rfind("x.p12: a PKCS#12 (.pfx/.p12) file protected by a password, and no password was given", 0), 0u)
      << err;
  // A command that takes --password says so.
  try {
    parse_cert_bundle(p12, "x.p12", "");
  } catch (const LoadError& e) {
    EXPECT_EQ(with_password_flag(e, "--password").fix(), "pass the password with --password");
  }
}

TEST_F(CertLoaderTest, Pkcs12EmptyPassword) {
  CertBundle b = parse_cert_bundle(pkcs12_of(leaf, {}, ""), "empty.p12", "");
  ASSERT_EQ(b.certs.size(), 1u);
  EXPECT_TRUE(b.key);
}

// Windows exports PKCS#12 with RC2-40 for the certificates. Such a file is made in a child process
// (which loads the legacy provider to write it), so this process has to cope on its own.
TEST_F(CertLoaderTest, Pkcs12WithLegacyRc2Encryption) {
  std::string path = dir.file("legacy.p12");
  pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    int rc = 1;
    if (OSSL_PROVIDER_load(nullptr, "legacy") && OSSL_PROVIDER_load(nullptr, "default")) {
      PKCS12* p12 = PKCS12_create("legacy", "client", leaf.key.get(), leaf.cert.get(), nullptr,
                                  NID_pbe_WithSHA1And3_Key_TripleDES_CBC, NID_pbe_WithSHA1And40BitRC2_CBC, 0, 0, 0);
      unsigned char* buf = nullptr;
      int len = p12 ? i2d_PKCS12(p12, &buf) : 0;
      if (len > 0) {
        dir.write("legacy.p12", std::string(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len)));
        rc = 0;
      }
    }
    _exit(rc);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) GTEST_SKIP() << "OpenSSL legacy provider not available";

  CertBundle b = load_cert_bundle(path, "legacy");
  ASSERT_EQ(b.certs.size(), 1u);
  EXPECT_TRUE(same_cert(b.certs[0].get(), leaf.cert.get()));
  EXPECT_TRUE(b.key);
}

TEST_F(CertLoaderTest, GarbageEmptyAndKeyOnlyAreNoCertificate) {
  const std::string expected =
      ": no certificate found (expected PEM, DER, PKCS#7 (.p7b), PKCS#12 (.pfx) or the IIS base64 blob); give the "
      "certificate file";
  std::string garbage = dir.write("server.pem", std::string("\x30\x82\x01\x00 nonsense \x01\x02", 16));
  EXPECT_EQ(load_error([&] { load_cert_bundle(garbage); }), garbage + expected);
  std::string empty = dir.write("empty.pem", "");
  EXPECT_EQ(load_error([&] { load_cert_bundle(empty); }), empty + ": the file is empty; give the certificate file");
}

TEST_F(CertLoaderTest, PrivateKeyWhereTheCertificateBelongsIsNamed) {
  std::string key_only = dir.write("key.pem", key_pem(leaf.key.get()));
  EXPECT_EQ(load_cause([&] { load_cert_bundle(key_only); }), LoadError::Cause::private_key);
  EXPECT_EQ(load_error([&] { load_cert_bundle(key_only); }).rfind(key_only + ": holds a private key, not a certificate;", 0),
            0u);
  // The same key as DER (PKCS#8), and encrypted.
  std::string der = dir.write("key.der", key_der(leaf.key.get()));
  EXPECT_EQ(load_cause([&] { load_cert_bundle(der); }), LoadError::Cause::private_key);
  std::string enc = dir.write("key-enc.pem", key_pem(leaf.key.get(), "pw"));
  EXPECT_EQ(load_cause([&] { load_cert_bundle(enc); }), LoadError::Cause::private_key);
}

TEST_F(CertLoaderTest, CrlWhereTheCertificateBelongsIsNamed) {
  X509CrlPtr crl = make_crl(inter, {});
  for (const std::string& bytes : {pem_of(crl.get()), der_of(crl.get())}) {
    const std::string err = load_error([&] { parse_cert_bundle(bytes, "c.crl"); });
    EXPECT_EQ(err.rfind("c.crl: holds a certificate revocation list (CRL), not a certificate;", 0), 0u) << err;
  }
}

TEST_F(CertLoaderTest, Pkcs7BundlePemAndDerLeafFirst) {
  // Windows writes the certification path in its own order: root first here.
  const std::string der = pkcs7_of({root.cert.get(), leaf.cert.get(), inter.cert.get()});
  const std::string pem = "-----BEGIN PKCS7-----\n" + wrapped(base64(der), 64, "\n") + "-----END PKCS7-----\n";
  for (const std::string& bytes : {der, pem, base64(der)}) {
    CertBundle b = parse_cert_bundle(bytes, "chain.p7b");
    EXPECT_TRUE(b.pkcs7);
    ASSERT_EQ(b.certs.size(), 3u);
    EXPECT_TRUE(same_cert(b.certs[0].get(), leaf.cert.get()));
    EXPECT_TRUE(same_cert(b.certs[1].get(), inter.cert.get()));
    EXPECT_TRUE(same_cert(b.certs[2].get(), root.cert.get()));
  }
  EXPECT_EQ(load_error([&] { parse_cert_bundle(pkcs7_of({}), "empty.p7b"); })
                .rfind("empty.p7b: the PKCS#7 bundle holds no certificate", 0),
            0u);
}

TEST_F(CertLoaderTest, DerInPemFileAndPemInDerFileAreRead) {
  CertBundle b = load_cert_bundle(dir.write("leaf.pem", der_of(leaf.cert.get())));
  ASSERT_EQ(b.certs.size(), 1u);
  EXPECT_TRUE(same_cert(b.certs[0].get(), leaf.cert.get()));
  b = load_cert_bundle(dir.write("leaf.der", pem_of(leaf.cert.get())));
  ASSERT_EQ(b.certs.size(), 1u);
  EXPECT_TRUE(same_cert(b.certs[0].get(), leaf.cert.get()));
}

TEST_F(CertLoaderTest, BrokenPemBlockNamesTheFile) {
  std::string pem = pem_of(leaf.cert.get());
  pem.replace(pem.find('\n') + 10, 4, "!!!!");  // not base64
  std::string path = dir.write("broken.pem", pem);
  std::string err = load_error([&] { load_cert_bundle(path); });
  EXPECT_EQ(err.rfind(path + ": ", 0), 0u) << err;
  EXPECT_EQ(err.find("no certificate found"), std::string::npos) << err;
  EXPECT_NE(err.find("a PEM block is damaged"), std::string::npos) << err;
  EXPECT_NE(err.find("; copy or export the file again whole"), std::string::npos) << err;
}

TEST_F(CertLoaderTest, MissingFileAndDirectory) {
  EXPECT_EQ(load_error([] { load_cert_bundle("missing.pem"); }), "missing.pem: No such file or directory");
  EXPECT_EQ(load_error([&] { load_cert_bundle(dir.path().string()); }),
            dir.path().string() + ": Is a directory");
}

TEST_F(CertLoaderTest, PemRoundTrip) {
  std::string pem = to_pem(leaf.cert.get());
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  CertBundle b = parse_cert_bundle(pem, "rt.pem");
  ASSERT_EQ(b.certs.size(), 1u);
  EXPECT_EQ(to_der(b.certs[0].get()), der_of(leaf.cert.get()));
}

TEST_F(CertLoaderTest, PrivateKeyPemPlainEncryptedAndErrors) {
  EvpPkeyPtr plain = load_private_key(dir.write("k.pem", key_pem(leaf.key.get())));
  EXPECT_EQ(EVP_PKEY_eq(plain.get(), leaf.key.get()), 1);

  std::string enc = dir.write("k-enc.pem", key_pem(leaf.key.get(), "pw"));
  EvpPkeyPtr decrypted = load_private_key(enc, "pw");
  EXPECT_EQ(EVP_PKEY_eq(decrypted.get(), leaf.key.get()), 1);
  std::string err = load_error([&] { load_private_key(enc, "nope"); });
  EXPECT_EQ(err.rfind(enc + ": private key could not be read", 0), 0u) << err;
  // No password given for an encrypted key: an error, never a terminal prompt.
  err = load_error([&] { load_private_key(enc); });
  EXPECT_EQ(err.rfind(enc + ": ", 0), 0u) << err;

  EXPECT_EQ(load_cause([&] { load_private_key(enc); }), LoadError::Cause::password_missing);
  EXPECT_EQ(load_cause([&] { load_private_key(enc, "nope"); }), LoadError::Cause::password_wrong);

  std::string cert_only = dir.write("cert.pem", pem_of(leaf.cert.get()));
  EXPECT_EQ(load_error([&] { load_private_key(cert_only); }).rfind(cert_only + ": holds a certificate, not a private key;", 0),
            0u);
  EXPECT_EQ(load_cause([&] { load_private_key(cert_only); }), LoadError::Cause::not_a_key);
  std::string cert_der = dir.write("cert.der", der_of(leaf.cert.get()));
  EXPECT_EQ(load_error([&] { load_private_key(cert_der); }).rfind(cert_der + ": holds a certificate (DER), not a private key;", 0),
            0u);
  EXPECT_EQ(load_error([] { load_private_key("nokey.pem"); }), "nokey.pem: No such file or directory");
}

TEST_F(CertLoaderTest, PrivateKeyRsaFromPemWithCertificateFirst) {
  EvpPkeyPtr rsa(EVP_RSA_gen(2048));
  ASSERT_TRUE(rsa);
  std::string path = dir.write("rsa.pem", pem_of(leaf.cert.get()) + key_pem(rsa.get()));
  EvpPkeyPtr loaded = load_private_key(path);
  EXPECT_EQ(EVP_PKEY_eq(loaded.get(), rsa.get()), 1);
}

TEST_F(CertLoaderTest, PrivateKeyFromPkcs12) {
  EvpPkeyPtr key = load_private_key(dir.write("k.p12", pkcs12_of(leaf, {}, "pw")), "pw");
  EXPECT_EQ(EVP_PKEY_eq(key.get(), leaf.key.get()), 1);
}

TEST_F(CertLoaderTest, CrlsPemSeveralAndDer) {
  X509CrlPtr a = make_crl(root, {inter.cert.get()});
  X509CrlPtr b = make_crl(inter, {leaf.cert.get()});
  std::vector<X509CrlPtr> pem = load_crls(dir.write("two.crl.pem", pem_of(a.get()) + pem_of(b.get())));
  ASSERT_EQ(pem.size(), 2u);
  EXPECT_EQ(X509_CRL_cmp(pem[0].get(), a.get()), 0);
  EXPECT_EQ(X509_CRL_cmp(pem[1].get(), b.get()), 0);
  EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(pem[1].get())), 1);

  std::vector<X509CrlPtr> der = load_crls(dir.write("one.crl", der_of(b.get())));
  ASSERT_EQ(der.size(), 1u);
  EXPECT_EQ(X509_CRL_cmp(der[0].get(), b.get()), 0);
}

TEST_F(CertLoaderTest, CrlErrorsNameTheFile) {
  std::string garbage = dir.write("bad.crl", "not a crl");
  std::string err = load_error([&] { load_crls(garbage); });
  EXPECT_EQ(err.rfind(garbage + ": no CRL found", 0), 0u) << err;
  std::string cert = dir.write("cert-not-crl.pem", pem_of(leaf.cert.get()));
  err = load_error([&] { load_crls(cert); });
  EXPECT_EQ(err.rfind(cert + ": holds certificates and no CRL;", 0), 0u) << err;
  std::string cert_der = dir.write("cert-not-crl.der", der_of(leaf.cert.get()));
  err = load_error([&] { load_crls(cert_der); });
  EXPECT_EQ(err.rfind(cert_der + ": holds certificates and no CRL;", 0), 0u) << err;
  EXPECT_EQ(load_error([] { load_crls("gone.crl"); }), "gone.crl: No such file or directory");
}

TEST_F(CertLoaderTest, CrlsFromPkcs7Bundle) {
  X509CrlPtr root_crl = make_crl(root, {});
  X509CrlPtr inter_crl = make_crl(inter, {leaf.cert.get()});
  const std::string der = pkcs7_of({root.cert.get()}, {root_crl.get(), inter_crl.get()});
  const std::string pem = "-----BEGIN PKCS7-----\n" + wrapped(base64(der), 64, "\n") + "-----END PKCS7-----\n";
  for (const std::string& bytes : {der, pem}) {
    std::vector<X509CrlPtr> crls = load_crls(dir.write("crls.p7b", bytes));
    ASSERT_EQ(crls.size(), 2u);
    EXPECT_EQ(X509_CRL_cmp(crls[0].get(), root_crl.get()), 0);
    EXPECT_EQ(X509_CRL_cmp(crls[1].get(), inter_crl.get()), 0);
  }
}

}  // namespace
}  // namespace certgate::tls
