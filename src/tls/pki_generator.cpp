#include "tls/pki_generator.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>

#include "tls/openssl_io.hpp"

namespace certgate::tls {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + take_openssl_errors()); }

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) fail("extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

void set_random_serial(X509* cert) {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  bytes[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(bytes, sizeof bytes, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
}

}  // namespace

EvpPkeyPtr generate_ec_key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("EC key generation");
  return key;
}

std::optional<KeyType> key_type_named(std::string_view name) {
  if (name == "ec-p256") return KeyType::ec_p256;
  if (name == "ec-p384") return KeyType::ec_p384;
  if (name == "rsa-2048") return KeyType::rsa_2048;
  if (name == "rsa-3072") return KeyType::rsa_3072;
  return std::nullopt;
}

std::string key_type_name(KeyType type) {
  switch (type) {
    case KeyType::ec_p256: return "ec-p256";
    case KeyType::ec_p384: return "ec-p384";
    case KeyType::rsa_2048: return "rsa-2048";
    case KeyType::rsa_3072: return "rsa-3072";
  }
  return "";
}

EvpPkeyPtr generate_key(KeyType type) {
  EvpPkeyPtr key;
  switch (type) {
    case KeyType::ec_p256: key.reset(EVP_EC_gen("P-256")); break;
    case KeyType::ec_p384: key.reset(EVP_EC_gen("P-384")); break;
    case KeyType::rsa_2048: key.reset(EVP_RSA_gen(2048)); break;
    case KeyType::rsa_3072: key.reset(EVP_RSA_gen(3072)); break;
  }
  if (!key) fail("key generation (" + key_type_name(type) + ")");
  return key;
}

Issued issue_certificate(const CertSpec& spec, const Issued* issuer) {
  Issued out;
  out.key = generate_key(spec.key_type);
  out.cert.reset(X509_new());
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  set_random_serial(cert);
  X509_gmtime_adj(X509_getm_notBefore(cert), static_cast<long>(spec.not_before_offset));
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(spec.not_after_offset));
  X509_NAME* name = X509_get_subject_name(cert);
  for (const auto& [field, value] : spec.subject) {
    if (!X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0))
      fail("subject " + field);
  }
  X509* issuer_cert = issuer ? issuer->cert.get() : cert;
  X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert));
  X509_set_pubkey(cert, out.key.get());
  if (spec.is_ca) {
    add_ext(cert, issuer_cert, NID_basic_constraints,
            "critical,CA:TRUE" + (spec.path_len ? ",pathlen:" + std::to_string(*spec.path_len) : std::string()));
    add_ext(cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert, issuer_cert, NID_key_usage, "critical,digitalSignature");
  }
  std::string eku;
  if (spec.server_auth) eku = "serverAuth";
  if (spec.client_auth) eku += std::string(eku.empty() ? "" : ",") + "clientAuth";
  if (!eku.empty()) add_ext(cert, issuer_cert, NID_ext_key_usage, eku);
  std::string san;
  for (const auto& d : spec.dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : spec.ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  if (!san.empty()) add_ext(cert, issuer_cert, NID_subject_alt_name, san);
  add_ext(cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(cert, issuer_cert, NID_authority_key_identifier, "keyid:always");
  EVP_PKEY* signing_key = issuer ? issuer->key.get() : out.key.get();
  if (X509_sign(cert, signing_key, EVP_sha256()) == 0) fail("signing certificate");
  return out;
}

Issued impostor_of(X509* original) {
  Issued out;
  out.key = generate_ec_key();
  out.cert.reset(X509_new());
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  set_random_serial(cert);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_subject_name(cert, X509_get_subject_name(original));
  X509_set_issuer_name(cert, X509_get_subject_name(original));
  X509_set_pubkey(cert, out.key.get());
  add_ext(cert, cert, NID_ext_key_usage, "clientAuth");
  if (X509_sign(cert, out.key.get(), EVP_sha256()) == 0) fail("signing impostor certificate");
  return out;
}

void write_pem_file(const std::string& path, X509* cert) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error(path + ": cannot write");
  PEM_write_X509(f, cert);
  std::fclose(f);
}

void write_key_file(const std::string& path, EVP_PKEY* key) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error(path + ": cannot write");
  ::chmod(path.c_str(), 0600);
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

std::string cert_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), cert) != 1) fail("writing certificate PEM");
  return detail::bio_contents(bio.get());
}

std::string private_key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // PEM_write_bio_PrivateKey writes PKCS#8 in OpenSSL 3 for every key type.
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) fail("writing key PEM");
  return detail::bio_contents(bio.get());
}

std::vector<X509Ptr> read_pem_certs(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) fail(path + ": cannot read");
  std::vector<X509Ptr> certs;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(cert);
  ERR_clear_error();  // the end of the file
  if (certs.empty()) throw std::runtime_error(path + ": no PEM certificate");
  return certs;
}

EvpPkeyPtr read_private_key(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) fail(path + ": cannot read");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) fail(path + ": no PEM private key");
  return key;
}

bool key_matches(X509* cert, EVP_PKEY* key) { return X509_check_private_key(cert, key) == 1; }

}  // namespace certgate::tls
