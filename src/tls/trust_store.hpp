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
  // client_ca: PEM/DER files (several certificates per PEM) or directories (every *.pem *.crt *.cer *.der
  // file in them); crl: PEM/DER CRL files. verify_depth = intermediates allowed between leaf and anchor.
  // Throws LoadError naming the file (missing, unreadable, no certificate in it, bad CRL).
  static std::shared_ptr<const TrustStore> load(const std::vector<std::string>& client_ca,
                                                const std::vector<std::string>& crl, int verify_depth);

  X509_STORE* store() const { return store_.get(); }
  const std::vector<X509Ptr>& anchors() const { return anchors_; }
  const std::vector<X509CrlPtr>& crls() const { return crls_; }
  int verify_depth() const { return verify_depth_; }
  bool empty() const { return anchors_.empty(); }

  // Applies the verification parameters (purpose sslclient -> clientAuth EKU when the leaf has an EKU,
  // depth, CRL flags) to a store context. Used by verify() and by the server's verify callback.
  void configure(X509_STORE_CTX* ctx) const;

  // Verifies leaf + untrusted intermediates against the anchors, at `at` (default: now).
  core::VerifyResult verify(X509* leaf, STACK_OF(X509) * untrusted,
                            std::optional<std::time_t> at = std::nullopt) const;

  // Whether this certificate is on one of the loaded CRLs (used to refuse resumption of revoked sessions).
  bool is_revoked(X509* cert) const;

 private:
  X509StorePtr store_;
  std::vector<X509Ptr> anchors_;
  std::vector<X509CrlPtr> crls_;
  int verify_depth_ = 2;
};

// X509_V_ERR_* code (and depth) -> classified result with OpenSSL's text.
core::VerifyResult classify_verify_error(int code, int depth);

}  // namespace certgate::tls
