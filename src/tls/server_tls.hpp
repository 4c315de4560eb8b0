#pragma once
// Server-side TLS: one SSL_CTX per host block, SNI selection in the ClientHello callback, client
// certificate verification inside the handshake, and session tickets that never outlive (or change)
// the decision they carry.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/gateway_config.hpp"
#include "core/compiled_policy.hpp"
#include "core/host_index.hpp"
#include "core/decision.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/trust_store.hpp"
#include "tls/verified_chain_cache.hpp"

namespace certgate::tls {

class TicketKeys;
struct OcspBlock;  // tls/ocsp_block.hpp

// Everything a host block needs at run time, built once at load and never mutated (but for the chain cache,
// which locks itself).
struct HostRuntime {
  config::HostPolicy policy;
  std::shared_ptr<const TrustStore> trust;
  std::shared_ptr<const core::CompiledPolicy> compiled;
  // Chains this block verified and decided, for the full handshakes that present them again. It belongs to this
  // block of this ServerTls and dies with it: a reload (new anchors, CRLs, settings or mappings) starts empty,
  // and no other block can read it.
  std::unique_ptr<VerifiedChainCache> chain_cache;
  std::shared_ptr<OcspBlock> ocsp;  // null unless the block checks OCSP (ocsp = "leaf" / "chain")
  SslCtxPtr ctx;
  // Session id context: without ticket keys "certgate:<generation>:<index>", so in-memory sessions never cross
  // blocks, policies or reloads; with them the SHA-256 of the block's names (the same on every instance), so
  // tickets cross instances and reloads but never blocks, and are decided again where they resume.
  std::string sid_ctx;
  int verify_mode = 0;
  int index = 0;        // 0 = default block
};

// What the handshake established for one connection. Owned by the session; OpenSSL callbacks reach it
// through SSL ex_data. The decision is made once, here, and reused for every request on the connection.
struct HandshakeOutcome {
  const HostRuntime* host = nullptr;
  std::string sni;
  bool evaluated = false;  // set by the verify callback (full handshake with a certificate)
  bool resumed = false;
  bool chain_cached = false;  // the verify callback served the chain's verification and decision from the cache
  std::string alpn;           // the protocol ALPN selected: "h2", "http/1.1", or "" (none: HTTP/1.1)
  std::optional<core::CertDigest> cert;
  core::VerifyResult verify;
  core::Decision decision;
};

class ServerTls {
 public:
  // Loads every certificate, key, trust store and CRL, compiles every policy. Throws LoadError or
  // std::invalid_argument naming the file or rule; nothing is half-built.
  static std::shared_ptr<const ServerTls> build(const config::GatewayConfig& cfg, std::uint64_t generation);
  ~ServerTls();

  // A new server-side SSL for a connection, bound to `outcome` (which must outlive the handshake).
  SslPtr new_ssl(HandshakeOutcome* outcome) const;
  // After a successful handshake: completes `outcome` (resumed sessions, no certificate, ...).
  void finish(SSL* ssl, HandshakeOutcome& outcome) const;
  // Decides again, under this configuration, for a connection whose decision was taken under another one or
  // has expired: outcome.host becomes this configuration's block for outcome.sni, and the certificate the
  // connection presented (with the chain it sent) is verified now against that block's anchors and CRLs and
  // decided by its policy, through the same verification and decide() as a handshake.
  void redecide(SSL* ssl, HandshakeOutcome& outcome) const;

  const HostRuntime& default_host() const { return *hosts_.front(); }
  // The host block serving `name` (SNI or Host, any case, no port); the default block when none claims it.
  const HostRuntime& host_for(std::string_view name) const;
  const std::vector<std::unique_ptr<HostRuntime>>& hosts() const { return hosts_; }
  config::RejectMode reject_mode() const { return reject_; }
  // [tls] session_ticket_keys were given: sessions are stateless tickets, decided again on every resumption.
  bool uses_ticket_keys() const { return ticket_keys_ != nullptr; }

 private:
  ServerTls() = default;
  std::shared_ptr<const TicketKeys> ticket_keys_;  // null: a server-side session cache
  std::vector<std::unique_ptr<HostRuntime>> hosts_;  // [0] = default block
  core::HostIndex index_;  // server name -> index into hosts_
  config::RejectMode reject_ = config::RejectMode::http;
};

// A server_name (RFC 6066 3) certgate accepts: empty (none sent), or a host name core::parse_host_port reads
// without a port. Anything else aborts the handshake (illegal_parameter).
bool acceptable_server_name(std::string_view sni);

// When the connection's decision stops being valid by itself: the next moment (after now) at which a time the
// verification compares with the clock is reached: a notBefore or notAfter of the certificates it presented,
// of its verified chain or of the block's anchors, a thisUpdate or nextUpdate of the block's CRLs
// (VerifiedChainCache::valid_until). std::numeric_limits<std::time_t>::max() when no certificate was presented.
std::time_t decision_expiry(SSL* ssl, const HostRuntime& host);

// Decides for a verified-or-not peer certificate with the host's policy: digest + decide().
// Shared by the verify callback and finish().
void evaluate_peer(const HostRuntime& host, X509* leaf, const core::VerifyResult& verify, HandshakeOutcome& out);

}  // namespace certgate::tls
