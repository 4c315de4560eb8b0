#pragma once
// Reading certificates and keys from disk in every form an operator has: PEM (several blocks, a chain),
// DER, the IIS one-line base64 blob, PKCS#7 (.p7b, as Windows exports a chain), PKCS#12 (with a password).
// Format is detected from the content, never from the file name. A file that holds something else (a private
// key where a certificate belongs, a CSR, a CRL, a certificate where the key belongs) is named for what it is.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

// What is wrong with a file: problem() names the file and the cause, fix() says what to do (may be empty);
// what() is both on one line ("PROBLEM; FIX"). cause() lets a caller that knows how a password is given
// (cert show --password) or what the file is for (client_ca) say so with with_fix().
class LoadError : public std::runtime_error {
 public:
  enum class Cause {
    other,
    password_missing,  // a PKCS#12 file or encrypted key needs a password and none was given
    password_wrong,    // the password given does not open it (PKCS#12 MAC check, key decryption)
    private_key,       // a private key where a certificate belongs
    not_a_key,         // a certificate (or CSR, CRL, public key) where the private key belongs
  };
  explicit LoadError(const std::string& message) : LoadError(message, "", Cause::other) {}
  LoadError(std::string problem, std::string fix, Cause cause = Cause::other);

  const std::string& problem() const { return problem_; }
  const std::string& fix() const { return fix_; }
  Cause cause() const { return cause_; }
  LoadError with_fix(std::string fix) const { return LoadError(problem_, std::move(fix), cause_); }

 private:
  std::string problem_;
  std::string fix_;
  Cause cause_;
};

// For a command that takes the password as `flag` (--password): the fix of a missing-password error names it.
LoadError with_password_flag(const LoadError& e, const std::string& flag);

struct CertBundle {
  std::vector<X509Ptr> certs;  // leaf first, then any chain that followed it
  EvpPkeyPtr key;              // only from PKCS#12 (or a PEM holding a key)
  bool holds_private_key = false;  // the file has a private key in it (PEM block or PKCS#12 key bag)
  bool pkcs7 = false;              // the certificates came from a PKCS#7 bundle (.p7b): a whole exported chain
};

// Throws LoadError naming the file.
CertBundle load_cert_bundle(const std::string& path, const std::string& password = "");
CertBundle parse_cert_bundle(const std::string& bytes, const std::string& name, const std::string& password = "");
EvpPkeyPtr load_private_key(const std::string& path, const std::string& password = "");
std::vector<X509CrlPtr> load_crls(const std::string& path);  // PEM (several) or DER
std::string read_file(const std::string& path);               // throws LoadError

std::string to_der(X509* cert);
std::string to_pem(X509* cert);

}  // namespace certgate::tls
