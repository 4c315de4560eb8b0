#pragma once
// The directory of `certgate pki`: CAs for Cloudflare's per-hostname Authenticated Origin Pulls and the edge
// client certificates they issued. State is read from the files themselves (no index that could disagree):
//
//   DIR/                               mode 0700
//   DIR/client-ca.pem                  trust bundle: every active CA, rewritten atomically (temp file + rename);
//                                      the configuration's client_ca points here, so a CA rotation is a reload
//   DIR/ca/ID.pem                      an active CA certificate
//   DIR/ca/ID.key                      its private key (PKCS#8 PEM, mode 0600)
//   DIR/edge/HOSTNAME/ID.pem           an active edge certificate: the leaf, then the CA that issued it
//   DIR/edge/HOSTNAME/ID.key           its private key (PKCS#8 PEM, mode 0600)
//   DIR/edge/HOSTNAME/ID.upload.json   the body of Cloudflare's upload call (leaf and key, mode 0600)
//   DIR/retired/ca/..., DIR/retired/edge/HOSTNAME/...   retired entries, the same files moved
//
// ID is the first 16 hex digits of the certificate's SHA-256 fingerprint. Several entries may be active at once
// (a rotation); the newest active CA (latest notBefore, then latest file) issues.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cert_digest.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/pki_generator.hpp"

namespace certgate::tls {

struct PkiEntry {
  std::string id;
  bool is_ca = false;
  std::string hostname;  // edge only
  bool retired = false;
  std::string cert_path, key_path, upload_body_path;  // absolute; upload_body_path edge only
  std::string issuer_id;                              // edge only: the CA of this directory that signed it, or ""
  core::CertDigest digest;
  std::int64_t written_ns = 0;  // the certificate file's mtime: orders entries whose notBefore is the same second
};

class PkiStore {
 public:
  explicit PkiStore(const std::string& dir);  // made absolute
  const std::string& dir() const { return dir_; }
  std::string bundle_path() const { return dir_ + "/client-ca.pem"; }

  // Every entry (active and retired), CAs first, each group in notBefore order. Throws std::runtime_error.
  std::vector<PkiEntry> entries() const;
  std::vector<PkiEntry> active_cas() const;
  std::vector<PkiEntry> active_edges(const std::string& hostname) const;

  // Creates DIR (0700) when missing, writes the CA and rewrites the bundle.
  PkiEntry add_ca(const Issued& ca);
  // Writes leaf+chain, key and upload body (0600) under edge/HOSTNAME.
  PkiEntry add_edge(const std::string& hostname, const Issued& leaf, X509* ca_cert, const std::string& upload_body);
  // The issuer: the newest active CA with its key. Throws when there is none.
  Issued newest_ca() const;
  // Moves the entry's files under retired/ and rewrites the bundle. Throws when no active entry has this id.
  PkiEntry retire(const std::string& id);
  void rewrite_bundle() const;

 private:
  std::string dir_;
};

// Writes a new file with mode 0600 (open O_CREAT|O_EXCL: never an existing file, never widened). Throws.
void write_private_file(const std::string& path, const std::string& content);

}  // namespace certgate::tls
