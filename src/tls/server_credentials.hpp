#pragma once
// The server certificate chain and private key of a host block, read as serve uses them and as check reports
// them: the same loaders (every format cert_loader reads), the same messages naming both files.
#include <string>
#include <vector>

#include "tls/cert_loader.hpp"

namespace certgate::tls {

// The server certificate chain (cert), leaf first. Throws LoadError naming the file, with the fix for cert.
std::vector<X509Ptr> load_server_chain(const std::string& cert_file);
// The server private key (key). Throws LoadError naming the file, with the fix for key.
EvpPkeyPtr load_server_key(const std::string& key_file);

// "" when the key belongs to the certificate; otherwise the problem, naming both files and the certificate.
std::string key_mismatch(const std::string& cert_file, X509* leaf, const std::string& key_file, EVP_PKEY* key);
// The fix that goes with key_mismatch().
extern const char* const kKeyMismatchFix;

}  // namespace certgate::tls
