#pragma once
// Trust anchors and CRLs for client-certificate verification, loaded once per host block.
// The same store verifies in the server (inside the handshake) and in explain/check (at any time).
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/verify_result.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

class TrustStore {
 public:
  // client_ca: PEM/DER/PKCS#7 files (several certificates per PEM) or directories (every *.pem *.crt *.cer
  // *.der *.p7b file in them); crl: PEM/DER CRL files. A file holding a private key is refused; of a PKCS#7
  // bundle only the CA certificates are anchors (skipped() lists the others). verify_depth = intermediates allowed between leaf and anchor.
  // Throws LoadError naming the file (missing, unreadable, no certificate in it, bad CRL).
  // accept_expired_crls ([tls] crl_expired = "warn"): a CRL past its nextUpdate still serves (the revocations
  // it lists count) instead of failing the chain; the result's warning says so.
  static std::shared_ptr<const TrustStore> load(const std::vector<std::string>& client_ca,
                                                const std::vector<std::string>& crl, int verify_depth,
                                                bool accept_expired_crls = false);

  X509_STORE* store() const { return store_.get(); }
  const std::vector<X509Ptr>& anchors() const { return anchors_; }
  const std::vector<std::string>& anchor_files() const { return anchor_files_; }  // the file of each of anchors()
  bool accepts_expired_crls() const { return accept_expired_crls_; }
  const std::vector<X509CrlPtr>& crls() const { return crls_; }
  // Certificates of a PKCS#7 bundle (.p7b) in client_ca that are not CAs (the exported leaf): not anchors.
  struct SkippedCert {
    std::string file;
    X509Ptr cert;
  };
  const std::vector<SkippedCert>& skipped() const { return skipped_; }
  const std::vector<std::string>& crl_files() const { return crl_files_; }  // the file of each of crls()
  int verify_depth() const { return verify_depth_; }
  bool empty() const { return anchors_.empty(); }

  // Applies the verification parameters to a store context: purpose sslclient (clientAuth EKU when the leaf
  // has an EKU), depth, verify_flags() and the verify callback that exempts trust anchors from needing a
  // CRL (anchor_crl_exemption). verify_chain() calls it; chain_report() too, with its own callback on top.
  void configure(X509_STORE_CTX* ctx) const;

  // The one chain verification of certgate, on an initialised store context (the server's handshake context,
  // or the one verify() makes): configure(), X509_verify_cert(), then certgate's own rules (chain_rules.hpp)
  // on the chain OpenSSL built. On failure the context's error (and depth) says why, so a TLS alert and
  // SSL_get_verify_result() agree with the returned result; an own rule reports X509_V_ERR_APPLICATION_VERIFICATION.
  core::VerifyResult verify_chain(X509_STORE_CTX* ctx) const;

  // Verifies leaf + untrusted intermediates against the anchors, at `at` (default: now): verify_chain() on a
  // fresh context. What explain and check use.
  core::VerifyResult verify(X509* leaf, STACK_OF(X509) * untrusted,
                            std::optional<std::time_t> at = std::nullopt) const;

  // Whether this certificate is on one of the loaded CRLs (used to refuse resumption of revoked sessions).
  bool is_revoked(X509* cert) const;

 private:
  X509StorePtr store_;
  std::vector<X509Ptr> anchors_;
  std::vector<X509CrlPtr> crls_;
  std::vector<SkippedCert> skipped_;
  std::vector<std::string> crl_files_;
  std::vector<std::string> anchor_files_;
  int verify_depth_ = 2;
  bool accept_expired_crls_ = false;
};

// X509_V_ERR_* code (and depth) -> classified result with OpenSSL's text.
core::VerifyResult classify_verify_error(int code, int depth);

// The flags certgate verifies with (docs/security.md): PARTIAL_CHAIN (every configured certificate is an
// anchor), X509_STRICT, POLICY_CHECK, and with CRLs CRL_CHECK | CRL_CHECK_ALL.
unsigned long verify_flags(bool have_crls);

// The verify callback of configure(). With CRL_CHECK_ALL OpenSSL also asks for a CRL covering the trust
// anchor itself, issued by the anchor's own issuer, which for an intermediate configured as an anchor is not
// in the trust store (OpenSSL cannot even verify such a CRL). An anchor is trusted as configured (RFC 5280
// 6.1: validation starts below it), so a certificate from the trust store needs no CRL; one that a loaded
// CRL of its issuer lists is refused as revoked. Within TrustStore::verify_chain() of a store that accepts
// expired CRLs, X509_V_ERR_CRL_HAS_EXPIRED is forgiven too (and noted); OpenSSL then goes on to look the
// certificate up in that CRL. Every other error stands.
int anchor_crl_exemption(int ok, X509_STORE_CTX* ctx);

}  // namespace certgate::tls
