#include "test_pki.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

namespace certgate::tls::testpki {
namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + ": " + take_openssl_errors());
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  check(ext != nullptr, value.c_str());
  check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

X509_EXTENSION* named_extension(X509V3_CTX* ctx, const std::string& name, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_nconf(nullptr, ctx, name.c_str(), value.c_str());
  check(ext != nullptr, (name + "=" + value).c_str());
  return ext;
}

void set_serial(X509* cert, const std::string& serial_hex) {
  static std::atomic<long> next{0x1000};
  BIGNUM* bn = nullptr;
  if (serial_hex.empty()) {
    bn = BN_new();
    check(bn != nullptr && BN_set_word(bn, static_cast<BN_ULONG>(next++)) == 1, "serial");
  } else {
    check(BN_hex2bn(&bn, serial_hex.c_str()) > 0, "serial hex");
  }
  check(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr, "serial");
  BN_free(bn);
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

EvpPkeyPtr make_key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

X509Ptr make_cert(const CertSpec& spec, EVP_PKEY* key, const Issued* issuer) {
  X509Ptr cert(X509_new());
  check(cert && X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_new");
  set_serial(cert.get(), spec.serial_hex);

  const std::time_t now = std::time(nullptr);
  check(ASN1_TIME_set(X509_getm_notBefore(cert.get()), spec.not_before != 0 ? spec.not_before : now - 3600) !=
            nullptr,
        "notBefore");
  check(ASN1_TIME_set(X509_getm_notAfter(cert.get()), spec.not_after != 0 ? spec.not_after : now + 30 * 86400) !=
            nullptr,
        "notAfter");

  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const NameEntry& e : spec.subject) {
    check(X509_NAME_add_entry_by_txt(name, e.field.c_str(), MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(e.value.data()),
                                     static_cast<int>(e.value.size()), -1,
                                     e.same_rdn ? -1 : 0) == 1,
          e.field.c_str());
  }
  check(X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer->cert.get()) : name) == 1, "issuer");
  check(X509_set_pubkey(cert.get(), key) == 1, "pubkey");

  if (spec.version == 1) {
    check(X509_set_version(cert.get(), X509_VERSION_1) == 1, "X509_set_version");
  } else {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer->cert.get() : cert.get(), cert.get(), nullptr, nullptr, 0);
    if (spec.subject_key_id) add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
    if (issuer != nullptr && spec.authority_key_id) {
      add_extension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
    }
    const std::string bc = spec.basic_constraints.value_or(spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
    const std::string ku =
        spec.key_usage.value_or(spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    if (!bc.empty()) add_extension(cert.get(), &ctx, NID_basic_constraints, bc);
    if (!ku.empty()) add_extension(cert.get(), &ctx, NID_key_usage, ku);
    if (!spec.eku.empty()) add_extension(cert.get(), &ctx, NID_ext_key_usage, join(spec.eku));
    if (!spec.san.empty()) add_extension(cert.get(), &ctx, NID_subject_alt_name, spec.san);
    for (const auto& [ext_name, value] : spec.extensions) {
      X509_EXTENSION* ext = named_extension(&ctx, ext_name, value);
      check(X509_add_ext(cert.get(), ext, -1) == 1, "X509_add_ext");
      X509_EXTENSION_free(ext);
    }
  }

  check(X509_sign(cert.get(), issuer ? issuer->key.get() : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

Issued make_ca(const std::string& cn, const Issued* issuer) {
  CertSpec spec;
  spec.subject = {{"O", "Certgate Test"}, {"CN", cn}};
  spec.ca = true;
  Issued out;
  out.key = make_key();
  out.cert = make_cert(spec, out.key.get(), issuer);
  return out;
}

Issued make_issued(const CertSpec& spec, const Issued* issuer) {
  Issued out;
  out.key = make_key();
  out.cert = make_cert(spec, out.key.get(), issuer);
  return out;
}

Issued make_leaf(const Issued& issuer, CertSpec spec) { return make_issued(spec, &issuer); }

Issued make_client(const Issued& issuer, const std::string& cn) {
  CertSpec spec;
  spec.subject = {{"CN", cn}};
  spec.eku = {"clientAuth"};
  return make_leaf(issuer, spec);
}

X509CrlPtr make_crl(const Issued& issuer, const std::vector<X509*>& revoked, std::time_t next_update) {
  CrlSpec spec;
  spec.next_update = next_update;
  return make_crl(issuer, revoked, spec);
}

X509CrlPtr make_crl(const Issued& issuer, const std::vector<X509*>& revoked, const CrlSpec& spec) {
  static std::atomic<long> crl_number{1};
  X509CrlPtr crl(X509_CRL_new());
  check(crl && X509_CRL_set_version(crl.get(), spec.version == 1 ? X509_CRL_VERSION_1 : X509_CRL_VERSION_2) == 1,
        "X509_CRL_new");
  check(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.cert.get())) == 1, "CRL issuer");

  const std::time_t now = std::time(nullptr);
  ASN1_TIME* last = ASN1_TIME_set(nullptr, spec.last_update != 0 ? spec.last_update : now - 3600);
  ASN1_TIME* next = ASN1_TIME_set(nullptr, spec.next_update != 0 ? spec.next_update : now + 7 * 86400);
  check(X509_CRL_set1_lastUpdate(crl.get(), last) == 1, "CRL lastUpdate");
  if (spec.has_next_update) check(X509_CRL_set1_nextUpdate(crl.get(), next) == 1, "CRL nextUpdate");
  auto add_entry = [&](X509* cert, bool removed) {
    X509_REVOKED* entry = X509_REVOKED_new();
    check(entry != nullptr && X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(cert)) == 1 &&
              X509_REVOKED_set_revocationDate(entry, last) == 1,
          "revoked entry");
    if (spec.certificate_issuer) {
      GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
      GENERAL_NAME* name = GENERAL_NAME_new();
      check(names != nullptr && name != nullptr, "GENERAL_NAMES");
      GENERAL_NAME_set0_value(name, GEN_DIRNAME, X509_NAME_dup(X509_get_subject_name(issuer.cert.get())));
      sk_GENERAL_NAME_push(names, name);
      check(X509_REVOKED_add1_ext_i2d(entry, NID_certificate_issuer, names, 1, 0) == 1, "certificateIssuer");
      GENERAL_NAMES_free(names);
    }
    if (removed) {
      ASN1_ENUMERATED* reason = ASN1_ENUMERATED_new();
      check(reason != nullptr && ASN1_ENUMERATED_set(reason, CRL_REASON_REMOVE_FROM_CRL) == 1 &&
                X509_REVOKED_add1_ext_i2d(entry, NID_crl_reason, reason, 0, 0) == 1,
            "reasonCode");
      ASN1_ENUMERATED_free(reason);
    }
    check(X509_CRL_add0_revoked(crl.get(), entry) == 1, "X509_CRL_add0_revoked");
  };
  for (X509* cert : revoked) add_entry(cert, false);
  for (X509* cert : spec.removed) add_entry(cert, true);
  ASN1_TIME_free(last);
  ASN1_TIME_free(next);

  if (spec.crl_number) {
    ASN1_INTEGER* number = ASN1_INTEGER_new();
    check(number != nullptr && ASN1_INTEGER_set(number, crl_number++) == 1 &&
              X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number, 0, 0) == 1,
          "CRL number");
    ASN1_INTEGER_free(number);
  }
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer.cert.get(), nullptr, nullptr, crl.get(), 0);
  if (spec.authority_key_id) {
    X509_EXTENSION* ext = named_extension(&ctx, "authorityKeyIdentifier", "keyid:always");
    check(X509_CRL_add_ext(crl.get(), ext, -1) == 1, "X509_CRL_add_ext");
    X509_EXTENSION_free(ext);
  }
  if (spec.delta_of > 0) {
    ASN1_INTEGER* base = ASN1_INTEGER_new();
    check(base != nullptr && ASN1_INTEGER_set(base, spec.delta_of) == 1 &&
              X509_CRL_add1_ext_i2d(crl.get(), NID_delta_crl, base, 1, 0) == 1,
          "deltaCRLIndicator");
    ASN1_INTEGER_free(base);
  }
  if (spec.indirect || spec.only_some_reasons || spec.only_attribute_certs || spec.only_user_and_ca) {
    ISSUING_DIST_POINT* idp = ISSUING_DIST_POINT_new();
    check(idp != nullptr, "ISSUING_DIST_POINT_new");
    idp->indirectCRL = spec.indirect ? 1 : 0;
    idp->onlyattr = spec.only_attribute_certs ? 1 : 0;
    idp->onlyuser = spec.only_user_and_ca ? 1 : 0;
    idp->onlyCA = spec.only_user_and_ca ? 1 : 0;
    if (spec.only_some_reasons) {
      idp->onlysomereasons = ASN1_BIT_STRING_new();
      check(idp->onlysomereasons != nullptr && ASN1_BIT_STRING_set_bit(idp->onlysomereasons, 1, 1) == 1,
            "onlySomeReasons");
    }
    check(X509_CRL_add1_ext_i2d(crl.get(), NID_issuing_distribution_point, idp, 1, 0) == 1, "IDP");
    ISSUING_DIST_POINT_free(idp);
  }
  for (const auto& [ext_name, value] : spec.extensions) {
    X509_EXTENSION* ext = named_extension(&ctx, ext_name, value);
    check(X509_CRL_add_ext(crl.get(), ext, -1) == 1, "X509_CRL_add_ext");
    X509_EXTENSION_free(ext);
  }

  check(X509_CRL_sort(crl.get()) == 1, "X509_CRL_sort");
  check(X509_CRL_sign(crl.get(), issuer.key.get(), EVP_sha256()) > 0, "X509_CRL_sign");
  return crl;
}

std::string pem_of(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return bio_text(bio.get());
}

std::string der_of(X509* cert) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(cert, &buf);
  check(len > 0, "i2d_X509");
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string pem_of(X509_CRL* crl) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509_CRL(bio.get(), crl) == 1, "PEM_write_bio_X509_CRL");
  return bio_text(bio.get());
}

std::string der_of(X509_CRL* crl) {
  unsigned char* buf = nullptr;
  int len = i2d_X509_CRL(crl, &buf);
  check(len > 0, "i2d_X509_CRL");
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string key_pem(EVP_PKEY* key, const std::string& password) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const EVP_CIPHER* cipher = password.empty() ? nullptr : EVP_aes_256_cbc();
  auto* pass = password.empty() ? nullptr : const_cast<char*>(password.c_str());
  check(PEM_write_bio_PKCS8PrivateKey(bio.get(), key, cipher, pass, static_cast<int>(password.size()), nullptr,
                                      nullptr) == 1,
        "PEM_write_bio_PKCS8PrivateKey");
  return bio_text(bio.get());
}

std::string pkcs12_of(const Issued& leaf, const std::vector<X509*>& chain, const std::string& password) {
  X509StackPtr ca = stack_of(chain);
  PKCS12* p12 = PKCS12_create(password.c_str(), "client", leaf.key.get(), leaf.cert.get(), ca.get(), 0, 0, 0, 0, 0);
  check(p12 != nullptr, "PKCS12_create");
  unsigned char* buf = nullptr;
  int len = i2d_PKCS12(p12, &buf);
  PKCS12_free(p12);
  check(len > 0, "i2d_PKCS12");
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

X509StackPtr stack_of(const std::vector<X509*>& certs) {
  X509StackPtr stack(sk_X509_new_null());
  for (X509* cert : certs) {
    check(X509_up_ref(cert) == 1, "X509_up_ref");
    check(sk_X509_push(stack.get(), cert) > 0, "sk_X509_push");
  }
  return stack;
}

std::time_t utc(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  return timegm(&tm);
}

std::string lower_hex(const unsigned char* bytes, std::size_t len) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < len; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 15]);
  }
  return out;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "certgate-tls-XXXXXX").string();
  check(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& bytes) const {
  std::string full = file(name);
  std::ofstream out(full, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + full);
  return full;
}

}  // namespace certgate::tls::testpki
