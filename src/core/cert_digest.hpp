#pragma once
// A plain digest of a peer certificate: everything the decision needs, extracted once per handshake
// by src/tls, so that the core never touches OpenSSL.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace certgate::core {

// One attribute of a distinguished name (one AVA; multi-valued RDNs contribute several).
struct DnAttribute {
  std::string oid;         // dotted OID, e.g. "2.5.4.3"
  std::string short_name;  // "CN", "OU", "O", "L", "ST", "C", "emailAddress", ... or the dotted OID when unnamed
  std::string value;       // UTF-8
};

struct DistinguishedName {
  std::vector<DnAttribute> attributes;  // in certificate order (most significant RDN first)
  std::string rfc4514;                  // RFC 4514 string (least significant RDN first), for headers and logs

  // Every value of the attribute with this dotted OID, in certificate order.
  std::vector<std::string_view> values_of(std::string_view oid) const;
};

struct CertDigest {
  DistinguishedName subject;
  DistinguishedName issuer;
  std::vector<std::string> dns_names;     // subjectAltName dNSName
  std::vector<std::string> ip_addresses;  // subjectAltName iPAddress, textual
  std::vector<std::string> emails;        // subjectAltName rfc822Name
  std::vector<std::string> uris;          // subjectAltName URI
  std::string serial_hex;                 // uppercase hex, no separators
  std::string sha256_hex;                 // lowercase hex of SHA-256 over the DER encoding
  std::string sha1_hex;                   // lowercase hex of SHA-1 over the DER encoding
  std::string spki_sha256_base64;         // base64 SHA-256 of the SubjectPublicKeyInfo (HPKP-style pin)
  std::int64_t not_before = 0;            // unix seconds
  std::int64_t not_after = 0;             // unix seconds
  std::string der;                        // the certificate's DER bytes
};

}  // namespace certgate::core
