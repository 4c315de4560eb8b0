#include "tls/digest.hpp"

#include <arpa/inet.h>

#include <ctime>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "tls/cert_loader.hpp"
#include "tls/openssl_io.hpp"

namespace certgate::tls {
namespace {

std::string hex_lower(const unsigned char* bytes, unsigned int len) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2u);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0x0f]);
  }
  return out;
}

std::string dotted_oid(const ASN1_OBJECT* obj) {
  char buf[128];
  int len = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  if (len <= 0) return {};
  if (static_cast<std::size_t>(len) < sizeof buf) return std::string(buf, static_cast<std::size_t>(len));
  std::string big(static_cast<std::size_t>(len) + 1, '\0');  // very long OIDs
  OBJ_obj2txt(big.data(), len + 1, obj, 1);
  big.resize(static_cast<std::size_t>(len));
  return big;
}

// OpenSSL's short names already read "ST" for stateOrProvinceName and "emailAddress" for pkcs9 email.
std::string short_name(const ASN1_OBJECT* obj, const std::string& oid) {
  int nid = OBJ_obj2nid(obj);
  if (nid == NID_undef) return oid;
  const char* sn = OBJ_nid2sn(nid);
  return sn != nullptr ? std::string(sn) : oid;
}

std::string utf8_value(const ASN1_STRING* value) {
  unsigned char* out = nullptr;
  int len = ASN1_STRING_to_UTF8(&out, value);
  if (len < 0) {
    ERR_clear_error();
    return {};
  }
  std::string s(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return s;
}

core::DistinguishedName distinguished_name(const X509_NAME* name) {
  core::DistinguishedName dn;
  if (name == nullptr) return dn;
  // Entries are stored flat in certificate order; the AVAs of a multi-valued RDN are consecutive.
  int count = X509_NAME_entry_count(name);
  for (int i = 0; i < count; ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(entry);
    core::DnAttribute attr;
    attr.oid = dotted_oid(obj);
    attr.short_name = short_name(obj, attr.oid);
    attr.value = utf8_value(X509_NAME_ENTRY_get_data(entry));
    dn.attributes.push_back(std::move(attr));
  }
  dn.rfc4514 = rfc4514_name(name);
  return dn;
}

std::string ia5_text(const ASN1_IA5STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::string ip_text(const ASN1_OCTET_STRING* s) {
  char buf[INET6_ADDRSTRLEN] = {};
  const unsigned char* bytes = ASN1_STRING_get0_data(s);
  int len = ASN1_STRING_length(s);
  if (len == 4 && inet_ntop(AF_INET, bytes, buf, sizeof buf) != nullptr) return buf;
  if (len == 16 && inet_ntop(AF_INET6, bytes, buf, sizeof buf) != nullptr) return buf;
  return {};  // not an address (e.g. a name-constraint style address/mask)
}

void subject_alt_names(X509* cert, core::CertDigest& d) {
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) {
    ERR_clear_error();
    return;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    switch (gn->type) {
      case GEN_DNS: d.dns_names.push_back(ia5_text(gn->d.dNSName)); break;
      case GEN_EMAIL: d.emails.push_back(ia5_text(gn->d.rfc822Name)); break;
      case GEN_URI: d.uris.push_back(ia5_text(gn->d.uniformResourceIdentifier)); break;
      case GEN_IPADD:
        if (std::string ip = ip_text(gn->d.iPAddress); !ip.empty()) d.ip_addresses.push_back(std::move(ip));
        break;
      default: break;
    }
  }
  GENERAL_NAMES_free(names);
}

std::string serial_hex(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  if (bn == nullptr) {
    ERR_clear_error();
    return {};
  }
  char* hex = BN_bn2hex(bn);  // uppercase
  std::string out = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

std::string fingerprint(X509* cert, const EVP_MD* md) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, md, buf, &len) != 1) {
    ERR_clear_error();
    return {};
  }
  return hex_lower(buf, len);
}

std::string spki_sha256_base64(X509* cert) {
  unsigned char* spki = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &spki);
  if (len <= 0) {
    ERR_clear_error();
    return {};
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  bool ok = EVP_Digest(spki, static_cast<std::size_t>(len), md, &md_len, EVP_sha256(), nullptr) == 1;
  OPENSSL_free(spki);
  if (!ok) {
    ERR_clear_error();
    return {};
  }
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  int b64_len = EVP_EncodeBlock(b64, md, static_cast<int>(md_len));
  return std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(b64_len));
}

}  // namespace

std::int64_t unix_seconds(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return 0;
  }
  return static_cast<std::int64_t>(timegm(&tm));
}


std::string rfc4514_name(const X509_NAME* name) {
  // XN_FLAG_RFC2253 prints least significant RDN first, escapes ',' '+' '"' '\' '<' '>' ';' and
  // writes non-ASCII UTF-8 as \XX pairs, which RFC 4514 allows and keeps the string header-safe.
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    ERR_clear_error();
    return {};
  }
  return detail::bio_contents(bio.get());
}

core::CertDigest digest_of(X509* cert) {
  core::CertDigest d;
  if (cert == nullptr) return d;
  d.subject = distinguished_name(X509_get_subject_name(cert));
  d.issuer = distinguished_name(X509_get_issuer_name(cert));
  subject_alt_names(cert, d);
  d.serial_hex = serial_hex(cert);
  d.sha256_hex = fingerprint(cert, EVP_sha256());
  d.sha1_hex = fingerprint(cert, EVP_sha1());
  d.spki_sha256_base64 = spki_sha256_base64(cert);
  d.not_before = unix_seconds(X509_get0_notBefore(cert));
  d.not_after = unix_seconds(X509_get0_notAfter(cert));
  d.der = to_der(cert);
  return d;
}

std::optional<core::CertDigest> digest_of_der(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    ERR_clear_error();
    return std::nullopt;
  }
  return digest_of(cert.get());
}

}  // namespace certgate::tls
