#include "tls/server_credentials.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include "tls/digest.hpp"

namespace certgate::tls {

const char* const kKeyMismatchFix =
    "point key at the key this certificate was issued for (or cert at the matching certificate); openssl x509 "
    "-in CERT -noout -pubkey and openssl pkey -in KEY -pubout print the same public key for a matching pair";

std::vector<X509Ptr> load_server_chain(const std::string& cert_file) {
  try {
    return load_cert_bundle(cert_file).certs;
  } catch (const LoadError& e) {
    switch (e.cause()) {
      case LoadError::Cause::password_missing:
      case LoadError::Cause::password_wrong:
        throw e.with_fix("cert and key take no password: export them as PEM (openssl pkcs12 -in " + cert_file +
                         " -nokeys -out server.pem; openssl pkcs12 -in " + cert_file +
                         " -nocerts -nodes -out server.key)");
      case LoadError::Cause::private_key:
        throw e.with_fix("cert is the server certificate chain (PEM, leaf first) and key its private key: are "
                         "the two swapped?");
      default: throw;
    }
  }
}

EvpPkeyPtr load_server_key(const std::string& key_file) {
  try {
    return load_private_key(key_file);
  } catch (const LoadError& e) {
    if (e.cause() == LoadError::Cause::password_missing || e.cause() == LoadError::Cause::password_wrong) {
      throw e.with_fix("key takes no password: store it decrypted (openssl pkey -in " + key_file +
                       " -out server.key), readable by certgate's user only");
    }
    if (e.cause() == LoadError::Cause::not_a_key) {
      throw e.with_fix("key is the server's private key and cert its certificate chain: are the two swapped? (a "
                       "Windows/IIS .pfx holds both: openssl pkcs12 -in site.pfx -nocerts -nodes -out server.key)");
    }
    throw;
  }
}

std::string key_mismatch(const std::string& cert_file, X509* leaf, const std::string& key_file, EVP_PKEY* key) {
  if (leaf == nullptr || key == nullptr) return "";
  const int matches = X509_check_private_key(leaf, key);
  ERR_clear_error();
  if (matches == 1) return "";
  return "the private key " + key_file + " does not match the server certificate " + cert_file + " ('" +
         digest_of(leaf).subject.rfc4514 + "')";
}

}  // namespace certgate::tls
