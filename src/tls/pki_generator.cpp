#include "tls/pki_generator.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>

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

Issued issue_certificate(const CertSpec& spec, const Issued* issuer) {
  Issued out;
  out.key = generate_ec_key();
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
    add_ext(cert, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
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

}  // namespace certgate::tls
