// The operator's cause of a failed verification (verify_cause.hpp), as TrustStore::verify() returns it.
#include <gtest/gtest.h>

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "core/time_text.hpp"
#include "test_pki.hpp"
#include "tls/digest.hpp"
#include "verify_support.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string subject_of(const Issued& issued) { return rfc4514_name(X509_get_subject_name(issued.cert.get())); }

std::string key_id_of(const Issued& ca) {
  const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(ca.cert.get());
  std::string text;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (int i = 0; id != nullptr && i < ASN1_STRING_length(id); ++i) {
    const unsigned char b = ASN1_STRING_get0_data(id)[i];
    if (i > 0) text += ':';
    text += kHex[b >> 4];
    text += kHex[b & 0x0f];
  }
  return text;
}

core::VerifyResult verify_at(const TrustStore& ts, X509* leaf, const std::vector<X509*>& sent, std::time_t at) {
  X509StackPtr untrusted = stack_of(sent);
  return ts.verify(leaf, untrusted.get(), at);
}

class VerifyCauseTest : public ::testing::Test {
 protected:
  TempDir dir;
  Issued root = make_ca("Cause Root");
  Issued inter = make_ca("Cause Issuing CA", &root);
  Issued leaf = make_client(inter, "cause leaf");
  std::time_t now = std::time(nullptr);
};

TEST_F(VerifyCauseTest, MissingIntermediateNamesTheIssuerAndItsKeyId) {
  auto ts = store_with(dir, {&root});
  const core::VerifyResult r = certgate_verify(*ts, leaf.cert.get());
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_EQ(r.cause.id, "missing_issuer");
  EXPECT_TRUE(contains(r.cause.text, "'" + subject_of(inter) + "'")) << r.cause.text;
  const std::string key_id = key_id_of(inter);
  ASSERT_FALSE(key_id.empty());
  EXPECT_TRUE(contains(r.cause.text, "authority key id " + key_id)) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "the client sent only its own certificate")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "send the full chain from the client")) << r.cause.fix;
  EXPECT_TRUE(contains(r.cause.fix, "add the intermediate to client_ca")) << r.cause.fix;

  // Sent with the intermediate, the chain verifies.
  EXPECT_EQ(certgate_verify(*ts, leaf.cert.get(), {inter.cert.get()}).status, core::VerifyStatus::ok);
}

TEST_F(VerifyCauseTest, MissingRootAboveASentIntermediate) {
  Issued other_root = make_ca("Other Root");
  auto ts = store_with(dir, {&other_root});
  const core::VerifyResult r = certgate_verify(*ts, leaf.cert.get(), {inter.cert.get()});
  EXPECT_EQ(r.cause.id, "missing_issuer");
  EXPECT_TRUE(contains(r.cause.text, "the CA certificate '" + subject_of(inter) + "' the client sent")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "'" + subject_of(root) + "'")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "none of the 1 CA certificate the client sent")) << r.cause.text;
}

TEST_F(VerifyCauseTest, AnchorWithTheIssuersNameButAnotherKey) {
  Issued renewed = make_ca("Cause Issuing CA", &root);  // inter's name, a new key
  Issued client = make_client(renewed, "client of the new key");
  auto ts = store_with(dir, {&inter});  // client_ca still holds the old certificate
  const core::VerifyResult r = certgate_verify(*ts, client.cert.get());
  EXPECT_EQ(r.status, core::VerifyStatus::untrusted);
  EXPECT_EQ(r.cause.id, "anchor_with_another_key");
  EXPECT_TRUE(contains(r.cause.text, "client_ca has a CA named '" + subject_of(inter) + "'")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "(authority key id " + key_id_of(renewed) + ")")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "(key id " + key_id_of(inter) + ")")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "add the CA certificate with the new key to client_ca")) << r.cause.fix;
}

TEST_F(VerifyCauseTest, WrongEkuListsWhatTheCertificateHas) {
  CertSpec spec;
  spec.subject = {{"CN", "server only"}};
  spec.eku = {"serverAuth", "codeSigning", "1.3.6.1.4.1.99999.1"};
  Issued server = make_leaf(root, spec);
  auto ts = store_with(dir, {&root});
  const core::VerifyResult r = certgate_verify(*ts, server.cert.get());
  EXPECT_EQ(r.code, X509_V_ERR_INVALID_PURPOSE);
  EXPECT_EQ(r.cause.id, "eku_not_client_auth");
  EXPECT_TRUE(contains(r.cause.text, "serverAuth (TLS Web Server Authentication)")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "codeSigning (Code Signing)")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "1.3.6.1.4.1.99999.1")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "without clientAuth")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "issued for client authentication")) << r.cause.fix;
}

TEST_F(VerifyCauseTest, NotYetValidSaysWhenAndHowFarAhead) {
  CertSpec spec;
  spec.subject = {{"CN", "future"}};
  spec.eku = {"clientAuth"};
  spec.not_before = now + 10 * 86400;
  spec.not_after = now + 20 * 86400;
  Issued future = make_leaf(root, spec);
  auto ts = store_with(dir, {&root});
  const std::time_t at = spec.not_before - (2 * 86400 + 3 * 3600);
  const core::VerifyResult r = verify_at(*ts, future.cert.get(), {}, at);
  EXPECT_EQ(r.status, core::VerifyStatus::not_yet_valid);
  EXPECT_EQ(r.cause.id, "not_yet_valid");
  EXPECT_TRUE(contains(r.cause.text, "becomes valid at " + core::format_utc(spec.not_before))) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "2 days 3 hours after the time it was checked (" + core::format_utc(at) + ")"))
      << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "check the clocks")) << r.cause.fix;
}

TEST_F(VerifyCauseTest, ExpiredSaysWhen) {
  auto ts = store_with(dir, {&root});
  CertSpec spec;
  spec.subject = {{"CN", "old"}};
  spec.eku = {"clientAuth"};
  spec.not_before = now - 100 * 86400;
  spec.not_after = now - 5 * 86400;
  Issued old = make_leaf(root, spec);
  const core::VerifyResult r = verify_at(*ts, old.cert.get(), {}, now);
  EXPECT_EQ(r.cause.id, "expired");
  EXPECT_TRUE(contains(r.cause.text, "the client certificate 'CN=old' expired at " + core::format_utc(spec.not_after)))
      << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "5 days before the time it was checked (" + core::format_utc(now) + ")"))
      << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "renewed certificate")) << r.cause.fix;
}

std::int64_t not_after_of(X509* cert) {
  std::tm tm{};
  ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm);
  return static_cast<std::int64_t>(timegm(&tm));
}

// The seed case: a 2016 edge certificate under the 2015-2020 origin-pull CA, checked today. OpenSSL names the
// expired CA; the cause adds that the client's own certificate has expired as well.
TEST_F(VerifyCauseTest, ExpiredCaAndExpiredLeafAreBothSaid) {
  auto ts = store_with(dir, {&root});
  Issued direct = make_client(root, "direct");
  const std::int64_t later = not_after_of(root.cert.get()) + 86400;
  ASSERT_LT(not_after_of(direct.cert.get()), later);
  const core::VerifyResult r = verify_at(*ts, direct.cert.get(), {}, later);
  EXPECT_EQ(r.cause.id, "expired");
  EXPECT_TRUE(contains(r.cause.text, "expired at " + core::format_utc(later - 86400))) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "; the client certificate itself expired too, at " +
                                         core::format_utc(not_after_of(direct.cert.get()))))
      << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "and the client must present its renewed certificate")) << r.cause.fix;
  // A client certificate still valid under an expired CA gets no such clause.
  CertSpec spec;
  spec.subject = {{"CN", "long"}};
  spec.eku = {"clientAuth"};
  spec.not_before = now - 86400;
  spec.not_after = later + 30 * 86400;
  Issued lasting = make_leaf(root, spec);
  const core::VerifyResult fresh = verify_at(*ts, lasting.cert.get(), {}, later);
  EXPECT_EQ(fresh.cause.id, "expired");
  EXPECT_FALSE(contains(fresh.cause.text, "itself expired too")) << fresh.cause.text;
}

TEST_F(VerifyCauseTest, ExpiredCrlNamesTheCaTheFileAndNextUpdate) {
  X509CrlPtr root_crl = make_crl(root, {});
  X509CrlPtr inter_crl = make_crl(inter, {}, now + 86400);
  auto ts = store_with(dir, {&root}, {root_crl.get(), inter_crl.get()});
  const core::VerifyResult r = verify_at(*ts, leaf.cert.get(), {inter.cert.get()}, now + 3 * 86400);
  EXPECT_EQ(r.code, X509_V_ERR_CRL_HAS_EXPIRED);
  EXPECT_EQ(r.cause.id, "crl_expired");
  EXPECT_TRUE(contains(r.cause.text, "the CRL of the CA '" + subject_of(inter) + "' (")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, ts->crl_files()[1])) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "nextUpdate was " + core::format_utc(now + 86400) + ", 2 days before")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "refresh the CRL file")) << r.cause.fix;
}

TEST_F(VerifyCauseTest, CrlNotYetValidSaysWhen) {
  CrlSpec future;
  future.last_update = now + 2 * 86400;
  future.next_update = now + 9 * 86400;
  X509CrlPtr root_crl = make_crl(root, {}, future);
  auto ts = store_with(dir, {&root}, {root_crl.get()});
  Issued direct = make_client(root, "direct");
  const core::VerifyResult r = certgate_verify(*ts, direct.cert.get());
  EXPECT_EQ(r.code, X509_V_ERR_CRL_NOT_YET_VALID);
  EXPECT_EQ(r.cause.id, "crl_not_yet_valid");
  EXPECT_TRUE(contains(r.cause.text, "lastUpdate is " + core::format_utc(future.last_update))) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "clocks")) << r.cause.fix;
}

TEST_F(VerifyCauseTest, MissingIntermediateCrlNamesTheCaAndWhatIsLoaded) {
  X509CrlPtr root_crl = make_crl(root, {});
  auto ts = store_with(dir, {&root}, {root_crl.get()});
  const core::VerifyResult r = certgate_verify(*ts, leaf.cert.get(), {inter.cert.get()});
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_CRL);
  EXPECT_EQ(r.cause.id, "crl_missing");
  EXPECT_TRUE(contains(r.cause.text, "no CRL of the CA '" + subject_of(inter) + "' is loaded")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, "the loaded CRLs are from '" + subject_of(root) + "'")) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "add the CRL")) << r.cause.fix;
}

TEST_F(VerifyCauseTest, CrlSignedByAnotherKeyOfTheSameName) {
  Issued impostor = make_ca("Cause Issuing CA", &root);  // same name as inter, another key
  X509CrlPtr root_crl = make_crl(root, {});
  X509CrlPtr forged = make_crl(impostor, {});
  auto ts = store_with(dir, {&root}, {root_crl.get(), forged.get()});
  const core::VerifyResult r = certgate_verify(*ts, leaf.cert.get(), {inter.cert.get()});
  // OpenSSL does not pick a CRL whose authority key id is another key's: for it, the CA has no CRL.
  EXPECT_EQ(r.code, X509_V_ERR_UNABLE_TO_GET_CRL) << r.reason;
  EXPECT_EQ(r.cause.id, "crl_wrong_issuer");
  EXPECT_TRUE(contains(r.cause.text, "was signed by another key (its authority key id " + key_id_of(impostor) +
                                         ", the CA's key id " + key_id_of(inter) + ")"))
      << r.cause.text;
  EXPECT_TRUE(contains(r.cause.text, ts->crl_files()[1])) << r.cause.text;
  EXPECT_TRUE(contains(r.cause.fix, "replace it with the CRL that '" + subject_of(inter) + "' publishes")) << r.cause.fix;
}

TEST_F(VerifyCauseTest, RevokedNamesTheSerialAndTheCrl) {
  X509CrlPtr root_crl = make_crl(root, {});
  X509CrlPtr inter_crl = make_crl(inter, {leaf.cert.get()});
  auto ts = store_with(dir, {&root}, {root_crl.get(), inter_crl.get()});
  const core::VerifyResult r = certgate_verify(*ts, leaf.cert.get(), {inter.cert.get()});
  EXPECT_EQ(r.status, core::VerifyStatus::revoked);
  EXPECT_EQ(r.cause.id, "revoked");
  EXPECT_TRUE(contains(r.cause.text, digest_of(leaf.cert.get()).serial_hex)) << r.cause.text;
}

TEST_F(VerifyCauseTest, SelfSignedClientCertificate) {
  CertSpec spec;
  spec.subject = {{"CN", "cause leaf"}};
  spec.eku = {"clientAuth"};
  Issued self = make_issued(spec, nullptr);
  auto ts = store_with(dir, {&root});
  const core::VerifyResult r = certgate_verify(*ts, self.cert.get());
  EXPECT_EQ(r.cause.id, "self_signed");
}

TEST_F(VerifyCauseTest, OkHasNoCause) {
  auto ts = store_with(dir, {&root});
  EXPECT_TRUE(certgate_verify(*ts, leaf.cert.get(), {inter.cert.get()}).cause.empty());
}

}  // namespace
}  // namespace certgate::tls
