#pragma once
// Reading certificates and keys from disk in every form an operator has: PEM (several blocks, a chain),
// DER, the IIS one-line base64 blob, PKCS#12 (with a password). Format is detected automatically.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;  // message names the file and what is wrong
};

struct CertBundle {
  std::vector<X509Ptr> certs;  // leaf first, then any chain that followed it
  EvpPkeyPtr key;              // only from PKCS#12 (or a PEM holding a key)
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
