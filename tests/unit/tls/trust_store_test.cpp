#include "tls/trust_store.hpp"

#include <filesystem>
#include <functional>

#include <gtest/gtest.h>
#include <openssl/pkcs7.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>

#include "test_pki.hpp"
#include "tls/cert_loader.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;
using core::VerifyStatus;

std::string load_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const LoadError& e) {
    return e.what();
  }
  return "(no LoadError)";
}

Issued dated_ca(const std::string& cn, std::time_t from, std::time_t to) {
  CertSpec spec;
  spec.subject = {{"CN", cn}};
  spec.ca = true;
  spec.not_before = from;
  spec.not_after = to;
  Issued out;
  out.key = make_key();
  out.cert = make_cert(spec, out.key.get(), nullptr);
  return out;
}

Issued dated_client(const Issued& issuer, const std::string& cn, std::time_t from, std::time_t to) {
  CertSpec spec;
  spec.subject = {{"CN", cn}};
  spec.eku = {"clientAuth"};
  spec.not_before = from;
  spec.not_after = to;
  return make_leaf(issuer, spec);
}

class TrustStoreTest : public ::testing::Test {
 protected:
  std::shared_ptr<const TrustStore> store_of(const std::vector<const Issued*>& anchors, int depth = 2,
                                             const std::vector<X509_CRL*>& crls = {}) {
    std::vector<std::string> ca_files, crl_files;
    for (const Issued* a : anchors) {
      ca_files.push_back(dir.write("ca" + std::to_string(counter++) + ".pem", pem_of(a->cert.get())));
    }
    for (X509_CRL* c : crls) crl_files.push_back(dir.write("crl" + std::to_string(counter++) + ".pem", pem_of(c)));
    return TrustStore::load(ca_files, crl_files, depth);
  }

  TempDir dir;
  int counter = 0;
  Issued root = make_ca("Root A");
};

TEST_F(TrustStoreTest, LeafIssuedByAnchorVerifies) {
  Issued leaf = make_client(root, "alice");
  auto ts = store_of({&root});
  core::VerifyResult r = ts->verify(leaf.cert.get(), nullptr);
  EXPECT_EQ(r.status, VerifyStatus::ok);
  EXPECT_EQ(r.code, X509_V_OK);
  EXPECT_EQ(r.depth, -1);
  EXPECT_EQ(r.reason, "ok");
  ASSERT_EQ(ts->anchors().size(), 1u);
  EXPECT_EQ(X509_cmp(ts->anchors()[0].get(), root.cert.get()), 0);
}

TEST_F(TrustStoreTest, EmptyClientCaListTrustsNothing) {
  auto ts = TrustStore::load({}, {}, 2);
  EXPECT_TRUE(ts->empty());
  core::VerifyResult r = ts->verify(make_client(root, "alice").cert.get(), nullptr);
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_F(TrustStoreTest, LeafOfAnotherCaIsUntrusted) {
  Issued other = make_ca("Other");
  core::VerifyResult r = store_of({&root})->verify(make_client(other, "mallory").cert.get(), nullptr);
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_EQ(r.depth, 0);
  EXPECT_EQ(r.reason, "unable to get local issuer certificate");
}

TEST_F(TrustStoreTest, SelfSignedLeafWithAnchorsNameIsUntrusted) {
  // Same subject as the anchor, own key: not issued by it.
  Issued impostor = make_ca("Root A");
  core::VerifyResult r = store_of({&root})->verify(impostor.cert.get(), nullptr);
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
}

TEST_F(TrustStoreTest, ExpiredAndNotYetValidLeaf) {
  const std::time_t now = std::time(nullptr);
  auto ts = store_of({&root});
  core::VerifyResult expired = ts->verify(dated_client(root, "old", now - 10 * 86400, now - 86400).cert.get(), nullptr);
  EXPECT_EQ(expired.status, VerifyStatus::expired);
  EXPECT_EQ(expired.code, X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(expired.depth, 0);
  EXPECT_EQ(expired.reason, "certificate has expired");

  core::VerifyResult early = ts->verify(dated_client(root, "new", now + 86400, now + 10 * 86400).cert.get(), nullptr);
  EXPECT_EQ(early.status, VerifyStatus::not_yet_valid);
  EXPECT_EQ(early.code, X509_V_ERR_CERT_NOT_YET_VALID);
  EXPECT_EQ(early.depth, 0);
}

TEST_F(TrustStoreTest, VerificationTimeCanBeChosen) {
  Issued ca = dated_ca("Dated CA", utc(2019, 1, 1), utc(2030, 1, 1));
  Issued leaf = dated_client(ca, "2020 only", utc(2020, 1, 1), utc(2021, 1, 1));
  auto ts = store_of({&ca});
  EXPECT_EQ(ts->verify(leaf.cert.get(), nullptr, utc(2020, 6, 1)).status, VerifyStatus::ok);
  EXPECT_EQ(ts->verify(leaf.cert.get(), nullptr, utc(2019, 6, 1)).status, VerifyStatus::not_yet_valid);
  EXPECT_EQ(ts->verify(leaf.cert.get(), nullptr).status, VerifyStatus::expired);
  // The anchor's own window counts too: before it, the anchor itself is not yet valid (depth 1).
  core::VerifyResult before_ca = ts->verify(leaf.cert.get(), nullptr, utc(2018, 6, 1));
  EXPECT_EQ(before_ca.status, VerifyStatus::not_yet_valid);
  EXPECT_EQ(before_ca.depth, 1);
}

TEST_F(TrustStoreTest, IntermediateSentByTheClientIsUsed) {
  Issued inter = make_ca("Inter", &root);
  Issued leaf = make_client(inter, "bob");
  auto ts = store_of({&root});
  EXPECT_EQ(ts->verify(leaf.cert.get(), nullptr).status, VerifyStatus::untrusted);  // chain missing
  X509StackPtr chain = stack_of({inter.cert.get()});
  EXPECT_EQ(ts->verify(leaf.cert.get(), chain.get()).status, VerifyStatus::ok);
}

TEST_F(TrustStoreTest, ConfiguredIntermediateIsATrustAnchorByItself) {
  Issued inter = make_ca("Inter", &root);
  Issued leaf = make_client(inter, "carol");
  EXPECT_EQ(store_of({&inter})->verify(leaf.cert.get(), nullptr).status, VerifyStatus::ok);
}

TEST_F(TrustStoreTest, DepthCountsIntermediatesBetweenLeafAndAnchor) {
  Issued i1 = make_ca("Inter 1", &root);
  Issued i2 = make_ca("Inter 2", &i1);
  Issued direct = make_client(root, "direct");
  Issued one = make_client(i1, "one");
  Issued two = make_client(i2, "two");
  X509StackPtr chain1 = stack_of({i1.cert.get()});
  X509StackPtr chain2 = stack_of({i2.cert.get(), i1.cert.get()});

  auto depth0 = store_of({&root}, 0);
  EXPECT_EQ(depth0->verify(direct.cert.get(), nullptr).status, VerifyStatus::ok);
  core::VerifyResult too_long = depth0->verify(one.cert.get(), chain1.get());
  EXPECT_EQ(too_long.status, VerifyStatus::untrusted);
  EXPECT_EQ(too_long.code, X509_V_ERR_CERT_CHAIN_TOO_LONG);

  auto depth1 = store_of({&root}, 1);
  EXPECT_EQ(depth1->verify(direct.cert.get(), nullptr).status, VerifyStatus::ok);
  EXPECT_EQ(depth1->verify(one.cert.get(), chain1.get()).status, VerifyStatus::ok);
  core::VerifyResult two_inter = depth1->verify(two.cert.get(), chain2.get());
  EXPECT_EQ(two_inter.status, VerifyStatus::untrusted);
  EXPECT_EQ(two_inter.code, X509_V_ERR_CERT_CHAIN_TOO_LONG);

  EXPECT_EQ(store_of({&root}, 2)->verify(two.cert.get(), chain2.get()).status, VerifyStatus::ok);
  EXPECT_EQ(store_of({&root}, 2)->verify_depth(), 2);
}

TEST_F(TrustStoreTest, PurposeIsClientAuthentication) {
  auto ts = store_of({&root});
  auto leaf_with = [&](std::vector<std::string> eku) {
    CertSpec spec;
    spec.subject = {{"CN", "eku"}};
    spec.eku = std::move(eku);
    return make_leaf(root, spec);
  };
  core::VerifyResult server_only = ts->verify(leaf_with({"serverAuth"}).cert.get(), nullptr);
  EXPECT_EQ(server_only.status, VerifyStatus::untrusted);
  EXPECT_EQ(server_only.code, X509_V_ERR_INVALID_PURPOSE);
  EXPECT_EQ(ts->verify(leaf_with({}).cert.get(), nullptr).status, VerifyStatus::ok);  // no EKU at all
  EXPECT_EQ(ts->verify(leaf_with({"serverAuth", "clientAuth"}).cert.get(), nullptr).status, VerifyStatus::ok);
}

TEST_F(TrustStoreTest, RevokedByCrl) {
  Issued revoked = make_client(root, "revoked");
  Issued fine = make_client(root, "fine");
  X509CrlPtr crl = make_crl(root, {revoked.cert.get()});
  auto ts = store_of({&root}, 2, {crl.get()});
  ASSERT_EQ(ts->crls().size(), 1u);

  core::VerifyResult r = ts->verify(revoked.cert.get(), nullptr);
  EXPECT_EQ(r.status, VerifyStatus::revoked);
  EXPECT_EQ(r.code, X509_V_ERR_CERT_REVOKED);
  EXPECT_EQ(r.depth, 0);
  EXPECT_EQ(ts->verify(fine.cert.get(), nullptr).status, VerifyStatus::ok);

  EXPECT_TRUE(ts->is_revoked(revoked.cert.get()));
  EXPECT_FALSE(ts->is_revoked(fine.cert.get()));
  EXPECT_FALSE(ts->is_revoked(nullptr));
}

TEST_F(TrustStoreTest, IsRevokedMatchesTheIssuerNotJustTheSerial) {
  Issued other = make_ca("Other");
  CertSpec spec;
  spec.subject = {{"CN", "same serial"}};
  spec.serial_hex = "77AA";
  Issued mine = make_leaf(root, spec);
  Issued theirs = make_leaf(other, spec);
  X509CrlPtr crl = make_crl(other, {theirs.cert.get()});
  auto ts = store_of({&root, &other}, 2, {crl.get()});
  EXPECT_TRUE(ts->is_revoked(theirs.cert.get()));
  EXPECT_FALSE(ts->is_revoked(mine.cert.get()));
}

TEST_F(TrustStoreTest, WithCrlsTheLeafsIssuerMustHaveOne) {
  // Fail-closed: root has a CRL, the intermediate that issued the leaf has none.
  Issued inter = make_ca("Inter", &root);
  Issued leaf = make_client(inter, "no crl for my issuer");
  X509CrlPtr root_crl = make_crl(root, {});
  X509StackPtr chain = stack_of({inter.cert.get()});
  core::VerifyResult r = store_of({&root}, 2, {root_crl.get()})->verify(leaf.cert.get(), chain.get());
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_CRL);
}

TEST_F(TrustStoreTest, StaleCrlIsUntrustedNotExpired) {
  Issued leaf = make_client(root, "leaf");
  X509CrlPtr stale = make_crl(root, {}, std::time(nullptr) - 60);
  core::VerifyResult r = store_of({&root}, 2, {stale.get()})->verify(leaf.cert.get(), nullptr);
  EXPECT_EQ(r.status, VerifyStatus::untrusted);
  EXPECT_EQ(r.code, X509_V_ERR_CRL_HAS_EXPIRED);
}

TEST_F(TrustStoreTest, CaRotationEitherAnchorVerifies) {
  Issued old_ca = make_ca("Rotation 2024");
  Issued new_ca = make_ca("Rotation 2025");
  auto ts = store_of({&old_ca, &new_ca});
  EXPECT_EQ(ts->anchors().size(), 2u);
  EXPECT_EQ(ts->verify(make_client(old_ca, "a").cert.get(), nullptr).status, VerifyStatus::ok);
  EXPECT_EQ(ts->verify(make_client(new_ca, "b").cert.get(), nullptr).status, VerifyStatus::ok);
  EXPECT_EQ(ts->verify(make_client(root, "c").cert.get(), nullptr).status, VerifyStatus::untrusted);
}

TEST_F(TrustStoreTest, SeveralAnchorsInOnePemAndDerAndBlobFiles) {
  Issued b = make_ca("B");
  Issued c = make_ca("C");
  Issued d = make_ca("D");
  std::string pem = dir.write("bundle.pem", pem_of(root.cert.get()) + pem_of(b.cert.get()));
  std::string der = dir.write("c.der", der_of(c.cert.get()));
  std::string blob_der = der_of(d.cert.get());
  std::string blob(4 * ((blob_der.size() + 2) / 3) + 1, '\0');
  blob.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(blob.data()),
                                                       reinterpret_cast<const unsigned char*>(blob_der.data()),
                                                       static_cast<int>(blob_der.size()))));
  std::string iis = dir.write("d.txt", blob + "\r\n");
  auto ts = TrustStore::load({pem, der, iis}, {}, 2);
  EXPECT_EQ(ts->anchors().size(), 4u);
  for (const Issued* ca : {&root, &b, &c, &d}) {
    EXPECT_EQ(ts->verify(make_client(*ca, "x").cert.get(), nullptr).status, VerifyStatus::ok);
  }
}

TEST_F(TrustStoreTest, DirectoryOfAnchors) {
  Issued b = make_ca("B");
  std::filesystem::create_directory(dir.path() / "cas");
  std::filesystem::create_directory(dir.path() / "cas" / "sub.pem");  // a directory: skipped
  dir.write("cas/2-b.CRT", der_of(b.cert.get()));
  dir.write("cas/1-root.pem", pem_of(root.cert.get()));
  dir.write("cas/README", "not a certificate, not a certificate extension");
  auto ts = TrustStore::load({dir.file("cas")}, {}, 2);
  ASSERT_EQ(ts->anchors().size(), 2u);
  EXPECT_EQ(X509_cmp(ts->anchors()[0].get(), root.cert.get()), 0);  // sorted by file name
  EXPECT_EQ(X509_cmp(ts->anchors()[1].get(), b.cert.get()), 0);
  EXPECT_EQ(ts->verify(make_client(b, "x").cert.get(), nullptr).status, VerifyStatus::ok);
}

TEST_F(TrustStoreTest, DirectoryFileWithoutCertificateIsAnErrorNamingIt) {
  std::filesystem::create_directory(dir.path() / "cas");
  dir.write("cas/good.pem", pem_of(root.cert.get()));
  std::string bad = dir.write("cas/notes.cer", "hello");
  EXPECT_EQ(load_error([&] { TrustStore::load({dir.file("cas")}, {}, 2); }),
            bad + ": no certificate found (expected PEM, DER, PKCS#7 (.p7b), PKCS#12 (.pfx) or the IIS base64 "
                  "blob); give the certificate file");
}

// A PKCS#7 SignedData holding certificates only, as Windows' certificate export wizard writes a chain.
std::string p7b_of(const std::vector<X509*>& certs) {
  PKCS7* p7 = PKCS7_new();
  PKCS7_set_type(p7, NID_pkcs7_signed);
  PKCS7_content_new(p7, NID_pkcs7_data);
  for (X509* cert : certs) PKCS7_add_certificate(p7, cert);
  unsigned char* buf = nullptr;
  const int len = i2d_PKCS7(p7, &buf);
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  PKCS7_free(p7);
  return out;
}

TEST_F(TrustStoreTest, Pkcs7BundleTrustsItsCasAndSkipsTheLeaf) {
  Issued inter = make_ca("Inter", &root);
  Issued leaf = make_client(inter, "exported");
  std::string p7b = dir.write("chain.p7b", p7b_of({leaf.cert.get(), inter.cert.get(), root.cert.get()}));
  auto ts = TrustStore::load({p7b}, {}, 2);
  ASSERT_EQ(ts->anchors().size(), 2u);
  ASSERT_EQ(ts->skipped().size(), 1u);
  EXPECT_EQ(X509_cmp(ts->skipped()[0].cert.get(), leaf.cert.get()), 0);
  EXPECT_EQ(ts->skipped()[0].file, p7b);
  EXPECT_EQ(ts->verify(make_client(inter, "sibling").cert.get(), nullptr).status, VerifyStatus::ok);

  // A bundle with nothing but the leaf: no anchor at all, which is an error naming it.
  std::string only_leaf = dir.write("leaf.p7b", p7b_of({leaf.cert.get()}));
  const std::string err = load_error([&] { TrustStore::load({only_leaf}, {}, 2); });
  EXPECT_EQ(err.rfind(only_leaf + ": the PKCS#7 bundle holds no CA certificate, only the certificate 'CN=exported'", 0),
            0u)
      << err;
}

TEST_F(TrustStoreTest, PrivateKeyInClientCaIsRefused) {
  std::string key = dir.write("ca.key", key_pem(root.key.get()));
  std::string err = load_error([&] { TrustStore::load({key}, {}, 2); });
  EXPECT_EQ(err.rfind(key + ": holds a private key, not a certificate;", 0), 0u) << err;
  EXPECT_NE(err.find("must never be given out"), std::string::npos) << err;

  for (const std::string& password : {std::string(), std::string("pw")}) {
    std::string both = dir.write("ca-and-key.pem", pem_of(root.cert.get()) + key_pem(root.key.get(), password));
    err = load_error([&] { TrustStore::load({both}, {}, 2); });
    EXPECT_EQ(err.rfind(both + ": holds a private key next to the certificate;", 0), 0u) << err;
  }
  std::string pfx = dir.write("ca.pfx", pkcs12_of(root, {}, ""));
  err = load_error([&] { TrustStore::load({pfx}, {}, 2); });
  EXPECT_EQ(err.rfind(pfx + ": holds a private key next to the certificate;", 0), 0u) << err;
}

TEST_F(TrustStoreTest, PasswordProtectedPfxInClientCaSaysHowToExportTheCas) {
  std::string pfx = dir.write("ca.pfx", pkcs12_of(root, {}, "secret"));
  const std::string err = load_error([&] { TrustStore::load({pfx}, {}, 2); });
  EXPECT_EQ(err.rfind(pfx + ": a PKCS#12 (.pfx/.p12) file protected by a password, and no password was given; "
                            "client_ca takes no password",
                      0),
            0u)
      << err;
  EXPECT_NE(err.find("-nokeys -cacerts"), std::string::npos) << err;
}

TEST_F(TrustStoreTest, LoadErrorsNameTheFile) {
  std::string missing = dir.file("missing.pem");
  EXPECT_EQ(load_error([&] { TrustStore::load({missing}, {}, 2); }), missing + ": No such file or directory");
  std::string ca = dir.write("ca.pem", pem_of(root.cert.get()));
  std::string bad_crl = dir.write("bad.crl", "garbage");
  std::string err = load_error([&] { TrustStore::load({ca}, {bad_crl}, 2); });
  EXPECT_EQ(err.rfind(bad_crl + ": ", 0), 0u) << err;
  std::string missing_crl = dir.file("missing.crl");
  EXPECT_EQ(load_error([&] { TrustStore::load({ca}, {missing_crl}, 2); }),
            missing_crl + ": No such file or directory");
}

TEST_F(TrustStoreTest, NoLeafIsNotPresented) {
  EXPECT_EQ(store_of({&root})->verify(nullptr, nullptr).status, VerifyStatus::not_presented);
}

TEST_F(TrustStoreTest, ConfigureAppliesToAHandMadeContext) {
  // What the server does: its own X509_STORE_CTX over store(), configured by configure().
  Issued i1 = make_ca("Inter 1", &root);
  Issued leaf = make_client(i1, "hand");
  X509StackPtr chain = stack_of({i1.cert.get()});
  auto ts = store_of({&root}, 0);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), ts->store(), leaf.cert.get(), chain.get()), 1);
  ts->configure(ctx.get());
  EXPECT_NE(X509_verify_cert(ctx.get()), 1);
  EXPECT_EQ(X509_STORE_CTX_get_error(ctx.get()), X509_V_ERR_CERT_CHAIN_TOO_LONG);
}

TEST(ClassifyVerifyError, MapsOnlyCertificateValidityToExpiry) {
  struct Case {
    int code;
    VerifyStatus status;
  };
  const Case cases[] = {
      {X509_V_OK, VerifyStatus::ok},
      {X509_V_ERR_CERT_HAS_EXPIRED, VerifyStatus::expired},
      {X509_V_ERR_CERT_NOT_YET_VALID, VerifyStatus::not_yet_valid},
      {X509_V_ERR_CERT_REVOKED, VerifyStatus::revoked},
      {X509_V_ERR_CRL_HAS_EXPIRED, VerifyStatus::untrusted},
      {X509_V_ERR_CRL_NOT_YET_VALID, VerifyStatus::untrusted},
      {X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, VerifyStatus::untrusted},
      {X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD, VerifyStatus::untrusted},
      {X509_V_ERR_CERT_SIGNATURE_FAILURE, VerifyStatus::untrusted},
      {X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, VerifyStatus::untrusted},
      {X509_V_ERR_INVALID_PURPOSE, VerifyStatus::untrusted},
      {X509_V_ERR_UNSPECIFIED, VerifyStatus::untrusted},
  };
  for (const Case& c : cases) {
    core::VerifyResult r = classify_verify_error(c.code, 3);
    EXPECT_EQ(r.status, c.status) << c.code;
    EXPECT_EQ(r.code, c.code);
    EXPECT_EQ(r.depth, c.code == X509_V_OK ? -1 : 3);
    EXPECT_EQ(r.reason, X509_verify_cert_error_string(c.code));
  }
}

}  // namespace
}  // namespace certgate::tls
