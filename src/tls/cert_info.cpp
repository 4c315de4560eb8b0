#include "tls/cert_info.hpp"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "tls/digest.hpp"

namespace certgate::tls {
namespace {

std::string object_name(const ASN1_OBJECT* obj) {
  const int nid = OBJ_obj2nid(obj);
  if (nid != NID_undef) {
    if (const char* sn = OBJ_nid2sn(nid)) return sn;
  }
  char buf[128];
  const int len = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return len > 0 && static_cast<std::size_t>(len) < sizeof buf ? std::string(buf, static_cast<std::size_t>(len))
                                                              : std::string();
}

void read_key(X509* cert, CertInfo& info) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) {
    ERR_clear_error();
    return;
  }
  info.key_bits = EVP_PKEY_get_bits(key);
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS: info.key_type = "RSA"; break;
    case EVP_PKEY_EC: info.key_type = "EC"; break;
    case EVP_PKEY_ED25519: info.key_type = "Ed25519"; break;
    case EVP_PKEY_ED448: info.key_type = "Ed448"; break;
    case EVP_PKEY_DSA: info.key_type = "DSA"; break;
    default: {
      const char* name = EVP_PKEY_get0_type_name(key);
      info.key_type = name != nullptr ? name : "unknown";
    }
  }
  if (info.key_type == "EC") {
    char group[80] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1) {
      const char* nist = EC_curve_nid2nist(OBJ_sn2nid(group));
      info.curve = nist != nullptr ? nist : group;
    }
  }
  ERR_clear_error();
}

void read_eku(X509* cert, CertInfo& info) {
  auto* usages = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  if (usages == nullptr) {
    ERR_clear_error();
    return;
  }
  for (int i = 0; i < sk_ASN1_OBJECT_num(usages); ++i) info.eku.push_back(object_name(sk_ASN1_OBJECT_value(usages, i)));
  EXTENDED_KEY_USAGE_free(usages);
}

void read_basic_constraints(X509* cert, CertInfo& info) {
  int critical = 0;
  auto* constraints =
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, &critical, nullptr));
  if (constraints == nullptr) {
    ERR_clear_error();
    return;
  }
  info.ca = constraints->ca != 0;
  BASIC_CONSTRAINTS_free(constraints);
}

}  // namespace

CertInfo cert_info(X509* cert) {
  CertInfo info;
  if (cert == nullptr) return info;
  info.digest = digest_of(cert);
  read_key(cert, info);
  read_eku(cert, info);
  read_basic_constraints(cert, info);
  info.self_signed = X509_self_signed(cert, 1) == 1;
  info.signature_algorithm = OBJ_nid2sn(X509_get_signature_nid(cert));
  ERR_clear_error();
  return info;
}

std::string eku_long_name(const std::string& short_name) {
  const int nid = OBJ_sn2nid(short_name.c_str());
  if (nid == NID_undef) return {};
  const char* name = OBJ_nid2ln(nid);
  return name != nullptr ? name : "";
}

}  // namespace certgate::tls
