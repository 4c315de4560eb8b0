#pragma once
// Generates throw-away certificates with the OpenSSL API (EC P-256): for `certgate demo`, for `probe`'s
// impostor certificate, and for tests. Nothing generated here is meant to last.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

struct CertSpec {
  std::vector<std::pair<std::string, std::string>> subject;  // {"CN","edge.example.com"}, {"O","Example"}, ...
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  bool is_ca = false;
  bool client_auth = false;  // EKU clientAuth
  bool server_auth = false;  // EKU serverAuth
  std::int64_t not_before_offset = -3600;       // seconds relative to now
  std::int64_t not_after_offset = 30 * 86400;   // seconds relative to now
};

struct Issued {
  X509Ptr cert;
  EvpPkeyPtr key;
};

EvpPkeyPtr generate_ec_key();
// Self-signed when issuer is null. Throws std::runtime_error with OpenSSL's reason.
Issued issue_certificate(const CertSpec& spec, const Issued* issuer);
// A self-signed certificate copying another's subject: what an impostor would present.
Issued impostor_of(X509* original);

void write_pem_file(const std::string& path, X509* cert);
void write_key_file(const std::string& path, EVP_PKEY* key);  // mode 0600

}  // namespace certgate::tls
