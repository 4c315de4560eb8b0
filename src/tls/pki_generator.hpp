#pragma once
// Generates certificates with the OpenSSL API: throw-away ones (EC P-256) for `certgate demo`, for `probe`'s
// impostor certificate and for tests, and the lasting CA and edge certificates of `certgate pki` (key type,
// validity in days and path length chosen by the caller).
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

enum class KeyType { ec_p256, ec_p384, rsa_2048, rsa_3072 };

// "ec-p256", "ec-p384", "rsa-2048", "rsa-3072" (the --key values), nullopt for anything else.
std::optional<KeyType> key_type_named(std::string_view name);
std::string key_type_name(KeyType type);

struct CertSpec {
  std::vector<std::pair<std::string, std::string>> subject;  // {"CN","edge.example.com"}, {"O","Example"}, ...
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  bool is_ca = false;
  bool client_auth = false;  // EKU clientAuth
  bool server_auth = false;  // EKU serverAuth
  std::int64_t not_before_offset = -3600;       // seconds relative to now
  std::int64_t not_after_offset = 30 * 86400;   // seconds relative to now
  KeyType key_type = KeyType::ec_p256;
  std::optional<int> path_len;  // CA only: basicConstraints pathlen
};

struct Issued {
  X509Ptr cert;
  EvpPkeyPtr key;
};

EvpPkeyPtr generate_ec_key();
EvpPkeyPtr generate_key(KeyType type);
// Self-signed when issuer is null. Throws std::runtime_error with OpenSSL's reason.
Issued issue_certificate(const CertSpec& spec, const Issued* issuer);
// A self-signed certificate copying another's subject: what an impostor would present.
Issued impostor_of(X509* original);

void write_pem_file(const std::string& path, X509* cert);
void write_key_file(const std::string& path, EVP_PKEY* key);  // mode 0600

// PEM text of a certificate, and of a private key as unencrypted PKCS#8 ("BEGIN PRIVATE KEY").
std::string cert_pem(X509* cert);
std::string private_key_pem(EVP_PKEY* key);
// Every certificate of a PEM file, in order, and the first private key of a PEM file. Throw std::runtime_error.
std::vector<X509Ptr> read_pem_certs(const std::string& path);
EvpPkeyPtr read_private_key(const std::string& path);
// Whether the certificate's public key is the key's.
bool key_matches(X509* cert, EVP_PKEY* key);

}  // namespace certgate::tls
