// A CRL that is not fit for use is a configuration error at load, naming the file and the defect.
#include "tls/crl_rules.hpp"

#include <functional>

#include <gtest/gtest.h>

#include "test_pki.hpp"
#include "tls/cert_loader.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

class CrlRulesTest : public ::testing::Test {
 protected:
  // The LoadError of loading a trust store with this CRL ("" when it loads).
  std::string load_error(X509_CRL* crl) {
    const std::string ca = dir.write("ca.pem", pem_of(root.cert.get()));
    crl_file = dir.write("list.crl", pem_of(crl));
    try {
      TrustStore::load({ca}, {crl_file}, 2);
    } catch (const LoadError& e) {
      return e.what();
    }
    return "";
  }
  void expect_refused(const CrlSpec& spec, const std::string& defect, const std::vector<X509*>& revoked = {}) {
    X509CrlPtr crl = make_crl(root, revoked, spec);
    const std::string error = load_error(crl.get());
    EXPECT_EQ(error, crl_file + ": the CRL issued by 'CN=CRL Rules Root,O=Certgate Test' " + defect);
  }

  TempDir dir;
  std::string crl_file;
  Issued root = make_ca("CRL Rules Root");
  Issued leaf = make_client(root, "listed");
};

TEST_F(CrlRulesTest, ConformingCrlLoads) {
  X509CrlPtr crl = make_crl(root, {leaf.cert.get()});
  EXPECT_EQ(crl_defect(crl.get()), "");
  EXPECT_EQ(load_error(crl.get()), "");
}

TEST_F(CrlRulesTest, CrlWithoutCrlNumberIsRefused) {
  CrlSpec spec;
  spec.crl_number = false;
  expect_refused(spec, "has no CRL number (RFC 5280 5.2.3: conforming CRL issuers include one in every CRL)");
}

TEST_F(CrlRulesTest, CrlWithoutAuthorityKeyIdentifierIsRefused) {
  CrlSpec spec;
  spec.authority_key_id = false;
  expect_refused(spec,
                 "has no authorityKeyIdentifier with a key identifier (RFC 5280 5.2.1: conforming CRL issuers include "
                 "it; it tells which key of the issuing CA signed the CRL)");
}

TEST_F(CrlRulesTest, CrlWithoutNextUpdateIsRefused) {
  CrlSpec spec;
  spec.has_next_update = false;
  expect_refused(spec,
                 "has no nextUpdate (RFC 5280 5.1.2.5: conforming CRL issuers include it); OpenSSL would take it as "
                 "current forever, so a stale copy would never be noticed");
}

TEST_F(CrlRulesTest, Version1CrlIsRefused) {
  CrlSpec spec;
  spec.version = 1;
  spec.crl_number = false;
  spec.authority_key_id = false;
  expect_refused(spec, "is a version 1 CRL (RFC 5280 5.1.2.1: a CRL with the required extensions is version 2)");
}

TEST_F(CrlRulesTest, DeltaCrlIsRefused) {
  CrlSpec spec;
  spec.delta_of = 1;
  expect_refused(spec,
                 "is a delta CRL (deltaCRLIndicator, RFC 5280 5.2.4): certgate applies complete CRLs only (OpenSSL "
                 "ignores deltas unless asked), so its entries would never be applied; configure the complete CRL");
}

TEST_F(CrlRulesTest, IndirectAndReasonPartitionedCrlsAreRefused) {
  CrlSpec indirect;
  indirect.indirect = true;
  X509CrlPtr a = make_crl(root, {}, indirect);
  EXPECT_EQ(crl_defect(a.get()).rfind("is an indirect CRL (RFC 5280 5.2.5)", 0), 0u) << crl_defect(a.get());
  CrlSpec reasons;
  reasons.only_some_reasons = true;
  X509CrlPtr b = make_crl(root, {}, reasons);
  EXPECT_EQ(crl_defect(b.get()).rfind("covers only some revocation reasons", 0), 0u) << crl_defect(b.get());
  EXPECT_NE(load_error(b.get()), "");
}

TEST_F(CrlRulesTest, IssuingDistributionPointsOutsideWhatCertgateAppliesAreRefused) {
  CrlSpec attributes;
  attributes.only_attribute_certs = true;
  X509CrlPtr a = make_crl(root, {}, attributes);
  EXPECT_EQ(crl_defect(a.get()).rfind("covers attribute certificates only (RFC 5280 5.2.5)", 0), 0u)
      << crl_defect(a.get());
  CrlSpec both;
  both.only_user_and_ca = true;
  X509CrlPtr b = make_crl(root, {}, both);
  EXPECT_EQ(crl_defect(b.get()).rfind("asserts more than one of onlyContainsUserCerts", 0), 0u) << crl_defect(b.get());
  CrlSpec garbled;
  garbled.extensions = {{"issuingDistributionPoint", "critical,DER:05:00"}};
  X509CrlPtr c = make_crl(root, {}, garbled);
  EXPECT_EQ(crl_defect(c.get()), "has an issuingDistributionPoint that does not decode");
}

TEST_F(CrlRulesTest, CrlNumberThatIsNoNumberOrNegativeIsRefused) {
  CrlSpec garbled;
  garbled.crl_number = false;
  garbled.extensions = {{"crlNumber", "DER:05:00"}};
  expect_refused(garbled, "has a CRL number that does not decode");
  CrlSpec negative;
  negative.crl_number = false;
  negative.extensions = {{"crlNumber", "DER:02:01:FF"}};
  expect_refused(negative, "has a negative CRL number (RFC 5280 5.2.3)");
}

TEST_F(CrlRulesTest, CertificateIssuerEntriesAreRefused) {
  CrlSpec spec;
  spec.certificate_issuer = true;
  X509CrlPtr crl = make_crl(root, {leaf.cert.get()}, spec);
  EXPECT_EQ(crl_defect(crl.get()).rfind("has a certificateIssuer entry extension, which belongs in indirect CRLs only "
                                        "(RFC 5280 5.3.3) (the entry for serial ",
                                        0),
            0u)
      << crl_defect(crl.get());
}

TEST_F(CrlRulesTest, UnknownCriticalExtensionIsRefused) {
  CrlSpec spec;
  spec.extensions = {{"1.3.6.1.4.1.55555.9", "critical,DER:05:00"}};
  expect_refused(spec,
                 "has a critical extension 1.3.6.1.4.1.55555.9 that cannot be processed (RFC 5280 5.2: such a CRL "
                 "must not be used)");
}

TEST_F(CrlRulesTest, RepeatedExtensionIsRefused) {
  CrlSpec spec;
  spec.extensions = {{"1.3.6.1.4.1.55555.9", "DER:05:00"}, {"1.3.6.1.4.1.55555.9", "DER:05:00"}};
  expect_refused(spec, "has the extension 1.3.6.1.4.1.55555.9 more than once");
}

TEST_F(CrlRulesTest, RemoveFromCrlInACompleteCrlIsRefused) {
  CrlSpec spec;
  spec.removed = {leaf.cert.get()};
  X509CrlPtr crl = make_crl(root, {}, spec);
  const std::string defect = crl_defect(crl.get());
  EXPECT_EQ(defect.rfind("lists a certificate as removeFromCRL, which belongs in delta CRLs only (RFC 5280 5.3.1)", 0),
            0u)
      << defect;
  EXPECT_NE(defect.find("(the entry for serial "), std::string::npos) << defect;
}

TEST_F(CrlRulesTest, EveryCrlOfAPemFileIsChecked) {
  CrlSpec spec;
  spec.crl_number = false;
  X509CrlPtr good = make_crl(root, {});
  X509CrlPtr bad = make_crl(root, {}, spec);
  const std::string ca = dir.write("ca.pem", pem_of(root.cert.get()));
  const std::string both = dir.write("both.crl", pem_of(good.get()) + pem_of(bad.get()));
  try {
    TrustStore::load({ca}, {both}, 2);
    ADD_FAILURE() << "loaded";
  } catch (const LoadError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(both + ": the CRL issued by", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace certgate::tls
