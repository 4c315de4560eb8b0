#pragma once
// A throwaway PKI built at test time with the OpenSSL C API: EC P-256 keys, CAs, intermediates, leaves
// with chosen names/EKU/SAN/validity, CRLs and PKCS#12 files. Nothing is checked in, so nothing expires.
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace certgate::tls::testpki {

// One attribute of a name; same_rdn = true joins it to the previous attribute's RDN (multi-valued).
struct NameEntry {
  std::string field;  // "CN", "OU", "O", "C", "ST", "emailAddress", "UID", or a dotted OID
  std::string value;  // UTF-8
  bool same_rdn = false;
};

struct CertSpec {
  std::vector<NameEntry> subject;
  bool ca = false;
  std::vector<std::string> eku;       // e.g. {"clientAuth"}; empty = no extendedKeyUsage extension
  std::string san;                    // OpenSSL config syntax, e.g. "DNS:a.example,IP:10.0.0.1"; "" = none
  std::string serial_hex;             // "" = the next of a process-wide counter
  std::time_t not_before = 0;         // 0 = an hour ago
  std::time_t not_after = 0;          // 0 = in thirty days

  // For conformance tests. nullopt keeps the default (CA: "critical,CA:TRUE" and "critical,keyCertSign,cRLSign";
  // otherwise "CA:FALSE" and "critical,digitalSignature"); "" leaves the extension out.
  std::optional<std::string> basic_constraints;
  std::optional<std::string> key_usage;
  bool subject_key_id = true;
  bool authority_key_id = true;  // only in a certificate issued by another
  // More extensions by name in OpenSSL config syntax, added last (a name twice adds it twice), e.g.
  // {"nameConstraints", "critical,excluded;DNS:evil.test"} or {"1.2.3.4", "critical,DER:05:00"}.
  std::vector<std::pair<std::string, std::string>> extensions;
  int version = 3;  // 1: X.509 v1, which carries no extension at all
};

struct Issued {
  X509Ptr cert;
  EvpPkeyPtr key;
};

EvpPkeyPtr make_key();  // EC P-256

// issuer == nullptr: self-signed with `key`.
X509Ptr make_cert(const CertSpec& spec, EVP_PKEY* key, const Issued* issuer);

Issued make_ca(const std::string& cn, const Issued* issuer = nullptr);
Issued make_issued(const CertSpec& spec, const Issued* issuer);  // a new key; issuer == nullptr: self-signed
Issued make_leaf(const Issued& issuer, CertSpec spec);
Issued make_client(const Issued& issuer, const std::string& cn);  // EKU clientAuth, valid now

// CRLs are conforming by default (version 2, CRL number, authorityKeyIdentifier, nextUpdate); the fields
// below break them for the tests of what the trust store refuses.
struct CrlSpec {
  std::time_t next_update = 0;  // 0 = in a week
  std::time_t last_update = 0;  // 0 = an hour ago
  bool has_next_update = true;
  bool crl_number = true;
  bool authority_key_id = true;
  int version = 2;
  bool indirect = false;           // issuingDistributionPoint indirectCRL
  bool only_some_reasons = false;  // issuingDistributionPoint onlySomeReasons keyCompromise
  bool only_attribute_certs = false;  // issuingDistributionPoint onlyContainsAttributeCerts
  bool only_user_and_ca = false;   // issuingDistributionPoint onlyContainsUserCerts and onlyContainsCACerts
  long delta_of = 0;               // > 0: a delta CRL (deltaCRLIndicator) on this base CRL number
  bool certificate_issuer = false; // the entries carry a certificateIssuer extension naming the issuer
  std::vector<std::pair<std::string, std::string>> extensions;  // by name, as in CertSpec::extensions
  std::vector<X509*> removed;      // entries with reasonCode removeFromCRL
};

X509CrlPtr make_crl(const Issued& issuer, const std::vector<X509*>& revoked, std::time_t next_update = 0);
X509CrlPtr make_crl(const Issued& issuer, const std::vector<X509*>& revoked, const CrlSpec& spec);

std::string pem_of(X509* cert);
std::string der_of(X509* cert);
std::string pem_of(X509_CRL* crl);
std::string der_of(X509_CRL* crl);
std::string key_pem(EVP_PKEY* key, const std::string& password = "");  // PKCS#8, AES-256 when password set
std::string pkcs12_of(const Issued& leaf, const std::vector<X509*>& chain, const std::string& password);

// A new STACK_OF(X509) holding references to the certificates.
X509StackPtr stack_of(const std::vector<X509*>& certs);

std::time_t utc(int year, int month, int day);
std::string lower_hex(const unsigned char* bytes, std::size_t len);

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& bytes) const;  // returns the full path

 private:
  std::filesystem::path path_;
};

}  // namespace certgate::tls::testpki
