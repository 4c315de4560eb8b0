#include "tls/server_tls.hpp"

#include <cstring>

#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/tls1.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <limits>
#include <stdexcept>

#include "core/host_port.hpp"
#include "tls/cert_loader.hpp"
#include "tls/ocsp_block.hpp"
#include "tls/server_credentials.hpp"
#include "tls/digest.hpp"
#include "tls/ticket_chain.hpp"
#include "tls/ticket_keys.hpp"

namespace certgate::tls {
namespace {

constexpr long kSessionLifetimeSeconds = 3600;  // further capped at the client certificate's notAfter

// ex_data slot on SSL: the connection's HandshakeOutcome.
int outcome_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}
HandshakeOutcome* outcome_of(SSL* ssl) {
  return static_cast<HandshakeOutcome*>(SSL_get_ex_data(ssl, outcome_index()));
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The server_name from the ClientHello (RFC 6066 3), or "" when absent/malformed.
std::string client_hello_sni(SSL* ssl) {
  const unsigned char* p = nullptr;
  size_t len = 0;
  if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p, &len) || len < 5) return {};
  size_t list_len = (size_t(p[0]) << 8) | p[1];
  if (list_len + 2 != len || p[2] != TLSEXT_NAMETYPE_host_name) return {};
  size_t name_len = (size_t(p[3]) << 8) | p[4];
  if (name_len + 5 > len) return {};
  return lower(std::string_view(reinterpret_cast<const char*>(p + 5), name_len));
}

// Selects the host block by SNI. It must run here: OpenSSL calls the ClientHello callback before it looks the
// offered session up (ssl_get_prev_session, which resumes only a session whose id context equals the SSL's), so a
// session made by another block or generation is a cache miss and this block decides on a full handshake. The
// servername callback would be too late: it runs after the lookup, under the default block's id context (the
// nginx CVE-2025-23419 class). See docs/security.md "Sessions across host blocks".
int client_hello_cb(SSL* ssl, int* alert, void* arg) {
  auto* tls = static_cast<const ServerTls*>(arg);
  HandshakeOutcome* out = outcome_of(ssl);
  if (out == nullptr) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  out->sni = client_hello_sni(ssl);
  if (!acceptable_server_name(out->sni)) {
    // A name with control characters or a port would reach the access log and the 421 check as it is.
    out->sni.clear();
    *alert = SSL_AD_ILLEGAL_PARAMETER;
    return SSL_CLIENT_HELLO_ERROR;
  }
  const HostRuntime& host = tls->host_for(out->sni);
  out->host = &host;
  if (host.index != 0) SSL_set_SSL_CTX(ssl, host.ctx.get());
  // SSL_set_SSL_CTX does not carry the verify mode, depth, version floor or session context over.
  SSL_set_verify(ssl, host.verify_mode, nullptr);
  SSL_set_min_proto_version(ssl, SSL_CTX_get_min_proto_version(host.ctx.get()));
  SSL_set_session_id_context(ssl, reinterpret_cast<const unsigned char*>(host.sid_ctx.data()),
                             static_cast<unsigned>(host.sid_ctx.size()));
  return SSL_CLIENT_HELLO_SUCCESS;
}

// ALPN (RFC 7301): the first protocol of the block's `alpn` list the client offers. A client that offers none of
// them speaks HTTP/1.1 when the block allows it (as without ALPN); a block without "http/1.1" refuses it with
// no_application_protocol. Runs after the ClientHello callback chose the block.
int alpn_select_cb(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                   unsigned int inlen, void*) {
  HandshakeOutcome* o = outcome_of(ssl);
  if (o == nullptr || o->host == nullptr) return SSL_TLSEXT_ERR_NOACK;
  const std::vector<std::string>& ours = o->host->policy.tls.alpn;
  for (const std::string& p : ours) {
    for (unsigned int i = 0; i < inlen;) {
      const unsigned int len = in[i];
      if (i + 1 + len > inlen) break;
      if (len == p.size() && std::memcmp(in + i + 1, p.data(), len) == 0) {
        *out = in + i + 1;
        *outlen = static_cast<unsigned char>(len);
        return SSL_TLSEXT_ERR_OK;
      }
      i += 1 + len;
    }
  }
  for (const std::string& p : ours) {
    if (p == "http/1.1") return SSL_TLSEXT_ERR_NOACK;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

// The outcome of a full handshake, kept with its TLS session: a resumption reuses it instead of parsing the
// certificate and deciding again. Sessions live in the server-side cache of the ServerTls that made them, so
// a reload (new contexts, new cache) never resumes a session judged by an older policy. It is the chain cache's
// entry when the chain has one: the sessions of every connection an edge opens with its one certificate share
// one copy of its digest and decision instead of holding one each.
using SessionOutcomePtr = std::shared_ptr<const CachedVerification>;

int session_dup(CRYPTO_EX_DATA*, const CRYPTO_EX_DATA*, void** from_d, int, long, void*) {
  // TLS 1.3 issues tickets from copies of the handshake's session: each copy holds its own reference.
  auto* held = static_cast<SessionOutcomePtr*>(*from_d);
  if (held != nullptr) *from_d = new SessionOutcomePtr(*held);
  return 1;
}
void session_free(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<SessionOutcomePtr*>(ptr); }

int session_outcome_index() {
  static const int index = SSL_SESSION_get_ex_new_index(0, nullptr, nullptr, session_dup, session_free);
  return index;
}

// `shared`: the chain cache's entry for this outcome, if there is one; otherwise the session gets its own copy.
void remember_outcome(SSL_SESSION* sess, const HandshakeOutcome& out, SessionOutcomePtr shared) {
  if (sess == nullptr) return;
  if (!shared) {
    auto own = std::make_shared<CachedVerification>();
    own->cert = out.cert;
    own->verify = out.verify;
    own->decision = out.decision;
    shared = std::move(own);
  }
  auto* held = new SessionOutcomePtr(std::move(shared));
  delete static_cast<SessionOutcomePtr*>(SSL_SESSION_get_ex_data(sess, session_outcome_index()));
  if (SSL_SESSION_set_ex_data(sess, session_outcome_index(), held) != 1) delete held;
}

const CachedVerification* remembered_outcome(SSL_SESSION* sess) {
  auto* held = sess ? static_cast<SessionOutcomePtr*>(SSL_SESSION_get_ex_data(sess, session_outcome_index())) : nullptr;
  return held ? held->get() : nullptr;
}

// A resumed session must never outlive its certificate: its lifetime (and the ticket lifetime the client is
// told) is capped at the certificate's notAfter. Set before the session enters the cache.
void cap_session_lifetime(SSL_SESSION* sess, X509* leaf) {
  if (sess == nullptr || leaf == nullptr) return;
  int days = 0, secs = 0;
  if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(leaf)) != 1) {
    SSL_SESSION_set_timeout(sess, 1);
    return;
  }
  long left = long(days) * 86400 + secs;
  if (left < 1) left = 1;
  if (left < SSL_SESSION_get_timeout(sess)) SSL_SESSION_set_timeout(sess, left);
}

// ex_data slot on SSL_SESSION: the intermediates a session ticket carried (ticket_chain.hpp), set when the
// ticket is decrypted. OpenSSL restores the client's certificate from a ticket but not the rest of its chain
// (SSL_get_peer_cert_chain is empty), which verifying the session again needs.
void ticket_chain_free(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  sk_X509_pop_free(static_cast<STACK_OF(X509)*>(ptr), X509_free);
}
int ticket_chain_dup(CRYPTO_EX_DATA*, const CRYPTO_EX_DATA*, void** from_d, int, long, void*) {
  // TLS 1.3 issues the tickets of a resumed connection from copies of its session.
  auto* held = static_cast<STACK_OF(X509)*>(*from_d);
  if (held != nullptr) *from_d = X509_chain_up_ref(held);
  return 1;
}
int ticket_chain_index() {
  static const int index = SSL_SESSION_get_ex_new_index(0, nullptr, nullptr, ticket_chain_dup, ticket_chain_free);
  return index;
}

// What the client sent after its certificate: from the handshake, or from the ticket the session was resumed from.
STACK_OF(X509) * presented_intermediates(SSL* ssl) {
  STACK_OF(X509)* sent = SSL_get_peer_cert_chain(ssl);
  if (sent != nullptr && sk_X509_num(sent) > 0) return sent;
  SSL_SESSION* sess = SSL_get0_session(ssl);
  auto* carried = sess ? static_cast<STACK_OF(X509)*>(SSL_SESSION_get_ex_data(sess, ticket_chain_index())) : nullptr;
  return carried != nullptr ? carried : sent;
}

// Called for every ticket (TLS 1.3, and TLS 1.2 with ticket keys), before it is encrypted or its session enters
// the cache; a ticket issued on a resumption restarts the session's clock, so the cap is computed again from now.
// With ticket keys (arg != null) the ticket of a full handshake also carries the client's intermediates; one of
// a resumed session keeps the ones it already carries (OpenSSL copies them with the session).
int ticket_gen_cb(SSL* ssl, void* arg) {
  SSL_SESSION* sess = SSL_get0_session(ssl);
  if (sess == nullptr) return 1;
  X509* peer = SSL_SESSION_get0_peer(sess);
  cap_session_lifetime(sess, peer);
  if (arg != nullptr && peer != nullptr && SSL_session_reused(ssl) != 1) {
    // Too large a chain gets no data: the dec callback then ignores the ticket and a full handshake decides.
    if (std::optional<std::string> data = encode_ticket_chain(peer, SSL_get_peer_cert_chain(ssl))) {
      if (SSL_SESSION_set1_ticket_appdata(sess, data->data(), data->size()) != 1) return 0;
    }
  }
  return 1;
}

// With ticket keys, for every ticket OpenSSL decrypted (or could not). A session with a client certificate is
// used only with the intermediates certgate put in it, kept on the session for finish(); a ticket under a key no
// longer listed, or without that data (another server's), is ignored: a full handshake, and a new ticket.
// Nothing in the ticket is taken as a decision: finish() verifies and decides again.
SSL_TICKET_RETURN ticket_dec_cb(SSL* ssl, SSL_SESSION* sess, const unsigned char*, size_t, SSL_TICKET_STATUS status,
                                void*) {
  if (status != SSL_TICKET_SUCCESS && status != SSL_TICKET_SUCCESS_RENEW) return SSL_TICKET_RETURN_IGNORE_RENEW;
  if (SSL_SESSION_get0_peer(sess) != nullptr) {
    void* data = nullptr;
    size_t size = 0;
    if (SSL_SESSION_get0_ticket_appdata(sess, &data, &size) != 1) return SSL_TICKET_RETURN_IGNORE_RENEW;
    X509StackPtr chain = decode_ticket_chain(data, size);
    if (!chain) return SSL_TICKET_RETURN_IGNORE_RENEW;
    ticket_chain_free(nullptr, SSL_SESSION_get_ex_data(sess, ticket_chain_index()), nullptr, 0, 0, nullptr);
    if (SSL_SESSION_set_ex_data(sess, ticket_chain_index(), chain.get()) != 1) return SSL_TICKET_RETURN_IGNORE_RENEW;
    chain.release();
  }
  // TLS 1.3 clients use a ticket once (RFC 8446 C.4): USE would resume without a new ticket, and the client's
  // next connection would be a full handshake. A TLS 1.2 client keeps its ticket; it gets a new one only when an
  // older key decrypted it.
  if (status == SSL_TICKET_SUCCESS_RENEW || SSL_version(ssl) == TLS1_3_VERSION) return SSL_TICKET_RETURN_USE_RENEW;
  return SSL_TICKET_RETURN_USE;
}

// The chain cache's part of the verify callback. A hit gives the store context what a successful
// verify_chain() leaves in it (X509_V_OK and the chain OpenSSL built, whose leaf is this connection's
// certificate object, as on a miss) and `out` what evaluate_peer() would compute, and returns true.
bool serve_from_cache(X509_STORE_CTX* store_ctx, const CachedVerification& hit, X509* leaf, HandshakeOutcome& out) {
  X509StackPtr chain(sk_X509_new_reserve(nullptr, sk_X509_num(hit.verified_chain.get())));
  if (!chain || X509_up_ref(leaf) != 1) return false;
  sk_X509_push(chain.get(), leaf);
  for (int i = 1; i < sk_X509_num(hit.verified_chain.get()); ++i) {
    X509* cert = sk_X509_value(hit.verified_chain.get(), i);
    if (X509_up_ref(cert) != 1) return false;
    sk_X509_push(chain.get(), cert);  // cannot fail after the reserve
  }
  X509_STORE_CTX_set0_verified_chain(store_ctx, chain.release());
  X509_STORE_CTX_set_error(store_ctx, X509_V_OK);
  out.verify = hit.verify;
  out.cert = hit.cert;
  out.decision = hit.decision;
  out.evaluated = true;
  out.chain_cached = true;
  return true;
}

// Keeps a successful verification and its decision (admitted or refused by the mapping) for the next full
// handshake with the same chain. Only verify == ok is kept: a failure can turn into success with time alone (a
// notBefore or a CRL's thisUpdate still ahead), and caching failures would let any client that can send
// certificates fill the cache, where a kept entry needs a chain this block's anchors vouch for.
// Returns the entry (null when the outcome is not one to keep), which the handshake's session shares.
std::shared_ptr<const CachedVerification> remember_chain(const HostRuntime& host, const ChainKey& key,
                                                         X509_STORE_CTX* store_ctx, X509* leaf,
                                                         const HandshakeOutcome& out) {
  if (out.verify.status != core::VerifyStatus::ok) return nullptr;
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(store_ctx);
  if (built == nullptr || sk_X509_num(built) < 1 || sk_X509_value(built, 0) != leaf) return nullptr;
  auto entry = std::make_shared<CachedVerification>();
  entry->verified_chain.reset(X509_chain_up_ref(built));
  if (!entry->verified_chain) return nullptr;
  entry->verify = out.verify;
  entry->cert = out.cert;
  entry->decision = out.decision;
  entry->valid_until = host.chain_cache->valid_until(leaf, X509_STORE_CTX_get0_untrusted(store_ctx), built);
  host.chain_cache->insert(key, entry);
  return entry;
}

// Replaces OpenSSL's chain verification so that the decision is taken once, inside the handshake.
// In reject = "http" mode it always lets the handshake finish; the verify result stays recorded in the
// session (SSL_get_verify_result) and the request gets the IIS status.
//
// A chain this host block verified before (same certificates in the same order, see chain_key()) is served
// from its chain cache until the first time limit of its inputs (VerifiedChainCache::valid_until). What is
// skipped is only the certificate path: the client's proof that it holds the leaf's private key is checked by
// OpenSSL on every handshake, apart from this callback. In OpenSSL 3.0, ssl_verify_cert_chain()
// (ssl/ssl_cert.c) calls this callback instead of X509_verify_cert() and then only takes the context's error
// (s->verify_result) and chain (s->verified_chain); tls_process_client_certificate() (ssl/statem/statem_srvr.c)
// stores the leaf in s->session->peer; with a peer certificate the server's read state machine
// (ossl_statem_server_read_transition / ossl_statem_server13_read_transition) accepts only a CertificateVerify
// next, and tls_process_cert_verify() (ssl/statem/statem_lib.c) verifies its signature over the handshake
// transcript with X509_get0_pubkey(s->session->peer), failing the handshake otherwise.
int cert_verify_cb(X509_STORE_CTX* store_ctx, void* arg) {
  auto* tls = static_cast<const ServerTls*>(arg);
  SSL* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  HandshakeOutcome* out = ssl ? outcome_of(ssl) : nullptr;
  if (out == nullptr || out->host == nullptr) return 0;
  const HostRuntime& host = *out->host;
  X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
  std::optional<ChainKey> key;
  if (host.chain_cache->capacity() > 0) key = chain_key(leaf, X509_STORE_CTX_get0_untrusted(store_ctx));
  std::shared_ptr<const CachedVerification> kept = key ? host.chain_cache->find(*key) : nullptr;
  if (!kept || !serve_from_cache(store_ctx, *kept, leaf, *out)) {
    // The same verification as explain and check (OpenSSL, then certgate's own rules); on failure the
    // context's error is set, never X509_V_OK.
    const core::VerifyResult verify = host.trust->verify_chain(store_ctx);
    evaluate_peer(host, leaf, verify, *out);
    kept = key ? remember_chain(host, *key, store_ctx, leaf, *out) : nullptr;
  }
  const int ok = out->verify.status == core::VerifyStatus::ok ? 1 : 0;
  SSL_SESSION* sess = SSL_get_session(ssl);
  cap_session_lifetime(sess, leaf);
  remember_outcome(sess, *out, std::move(kept));
  // Report-only blocks never refuse in the handshake either: the request is let through and logged.
  if (tls->reject_mode() == config::RejectMode::http || !host.compiled->enforced()) return 1;
  if (ok == 1 && !out->decision.admitted) {
    X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  return ok == 1 ? 1 : 0;
}

int verify_mode_for(core::ClientCertMode mode, config::RejectMode reject) {
  switch (mode) {
    case core::ClientCertMode::ignore: return SSL_VERIFY_NONE;
    case core::ClientCertMode::accept: return SSL_VERIFY_PEER;
    case core::ClientCertMode::require:
      return reject == config::RejectMode::handshake ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                                                     : SSL_VERIFY_PEER;
  }
  return SSL_VERIFY_PEER;
}

SslCtxPtr make_ctx(const HostRuntime& host, const ServerTls* owner, std::size_t session_cache,
                   const TicketKeys* ticket_keys) {
  const config::TlsSettings& t = host.policy.tls;
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) throw LoadError("cannot create TLS context: " + take_openssl_errors());
  SSL_CTX_set_min_proto_version(ctx.get(), t.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_alpn_select_cb(ctx.get(), alpn_select_cb, nullptr);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  if (t.cert_file.empty() || t.key_file.empty())
    throw LoadError("host '" + host.policy.name + "': a server certificate (cert) and key are required");
  // Read by the loaders check uses, so that serve and check name the same cause for the same files.
  const std::vector<X509Ptr> chain = load_server_chain(t.cert_file);
  const EvpPkeyPtr key = load_server_key(t.key_file);
  if (std::string mismatch = key_mismatch(t.cert_file, chain.front().get(), t.key_file, key.get()); !mismatch.empty())
    throw LoadError(mismatch, kKeyMismatchFix);
  if (SSL_CTX_use_certificate(ctx.get(), chain.front().get()) != 1)
    throw LoadError(t.cert_file + ": the server certificate cannot be used: " + take_openssl_errors());
  for (std::size_t i = 1; i < chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx.get(), chain[i].get()) != 1)
      throw LoadError(t.cert_file + ": certificate " + std::to_string(i + 1) + " of the chain cannot be used: " +
                      take_openssl_errors());
  }
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1)
    throw LoadError(t.key_file + ": the private key cannot be used with " + t.cert_file + ": " + take_openssl_errors());
  // Sessions: a server-side cache (TLS 1.3 tickets carry only the session id, TLS 1.2 uses session ids). It is
  // cheaper than encrypted stateless tickets (measured in docs/performance.md), keeps each session's decision
  // with it, and dies with its ServerTls on reload. One ticket per handshake: a client resumes one at a time.
  // Each cached session holds the peer certificate and its decision (~10 KiB): [limits] session_cache bounds
  // them, and 0 turns resumption off (no cache, no ticket). Every connection starts on the default block's
  // context and OpenSSL keeps its sessions in that context's cache whichever block SNI selects (SSL_set_SSL_CTX
  // keeps the session context): one cache for all blocks, kept apart by their session id contexts. The other
  // blocks' contexts get the same cache and ticket settings, which OpenSSL does not consult.
  //
  // With [tls] session_ticket_keys, sessions are stateless tickets under those keys instead (TLS 1.2 and 1.3), so
  // that every instance sharing the keys resumes them, and no server-side cache is kept: a resumption is verified
  // and decided again from the certificates in the ticket (finish()). session_cache = 0 still turns it off.
  if (ticket_keys != nullptr && session_cache > 0) {
    SSL_CTX_clear_options(ctx.get(), SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx.get(), 1);
    use_ticket_keys(ctx.get(), ticket_keys);
    SSL_CTX_set_session_ticket_cb(ctx.get(), ticket_gen_cb, ticket_dec_cb, const_cast<TicketKeys*>(ticket_keys));
  } else {
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
    if (session_cache > 0) {
      SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_SERVER);
      SSL_CTX_sess_set_cache_size(ctx.get(), static_cast<long>(session_cache));
      SSL_CTX_set_num_tickets(ctx.get(), 1);
    } else {
      SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
      SSL_CTX_set_num_tickets(ctx.get(), 0);
    }
    SSL_CTX_set_session_ticket_cb(ctx.get(), ticket_gen_cb, nullptr, nullptr);
  }
  SSL_CTX_set_timeout(ctx.get(), kSessionLifetimeSeconds);
  SSL_CTX_set_session_id_context(ctx.get(), reinterpret_cast<const unsigned char*>(host.sid_ctx.data()),
                                 static_cast<unsigned>(host.sid_ctx.size()));
  SSL_CTX_set_verify(ctx.get(), host.verify_mode, nullptr);
  // Client chains are verified against this host's anchors and CRLs (not the context's default store).
  SSL_CTX_set1_verify_cert_store(ctx.get(), host.trust->store());
  SSL_CTX_set_cert_verify_callback(ctx.get(), cert_verify_cb, const_cast<ServerTls*>(owner));
  if (host.policy.tls.mode != core::ClientCertMode::ignore) {
    // certificate_authorities in the CertificateRequest: lets clients pick the right certificate.
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    for (const auto& anchor : host.trust->anchors()) sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(anchor.get())));
    SSL_CTX_set_client_CA_list(ctx.get(), names);
  }
  return ctx;
}

// The session id context of a block when sessions are tickets: the same on every instance whose block serves the
// same names (and after a reload), different for every other block (names are unique across blocks; the default
// block has none). At most SSL_MAX_SID_CTX_LENGTH (32) bytes: a SHA-256.
std::string ticket_sid_ctx(const config::HostPolicy& block) {
  std::vector<std::string> names = block.server_names;
  std::sort(names.begin(), names.end());
  std::string input = "certgate session tickets";
  for (const std::string& name : names) input += '\0' + name;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

// A resumed session whose outcome this process does not hold (a ticket made by another instance, or before a
// reload): its certificate and the intermediates it came with are verified now against this block's anchors and
// CRLs and decided by its policy, as a full handshake presenting them would be, through the block's chain cache
// (the same chain key: the leaf, then what followed it in the Certificate message).
void verify_resumed(const HostRuntime& host, SSL* ssl, X509* leaf, HandshakeOutcome& out) {
  X509StackPtr presented(sk_X509_new_null());
  STACK_OF(X509)* intermediates = presented_intermediates(ssl);
  bool built = presented && X509_up_ref(leaf) == 1 && sk_X509_push(presented.get(), leaf) > 0;
  for (int i = 0; built && i < sk_X509_num(intermediates); ++i) {
    X509* cert = sk_X509_value(intermediates, i);
    built = X509_up_ref(cert) == 1 && sk_X509_push(presented.get(), cert) > 0;
  }
  if (!built) {
    evaluate_peer(host, leaf, classify_verify_error(X509_V_ERR_OUT_OF_MEM, 0), out);
    return;
  }
  std::optional<ChainKey> key;
  if (host.chain_cache->capacity() > 0) key = chain_key(leaf, presented.get());
  if (std::shared_ptr<const CachedVerification> hit = key ? host.chain_cache->find(*key) : nullptr) {
    out.verify = hit->verify;
    out.cert = hit->cert;
    out.decision = hit->decision;
    out.evaluated = true;
    out.chain_cached = true;
    return;
  }
  X509StoreCtxPtr store_ctx(X509_STORE_CTX_new());
  if (!store_ctx || X509_STORE_CTX_init(store_ctx.get(), host.trust->store(), leaf, presented.get()) != 1) {
    evaluate_peer(host, leaf, classify_verify_error(X509_V_ERR_UNSPECIFIED, 0), out);
    ERR_clear_error();
    return;
  }
  evaluate_peer(host, leaf, host.trust->verify_chain(store_ctx.get()), out);
  if (key) remember_chain(host, *key, store_ctx.get(), leaf, out);
  ERR_clear_error();
}

}  // namespace

void evaluate_peer(const HostRuntime& host, X509* leaf, const core::VerifyResult& verify, HandshakeOutcome& out) {
  out.verify = verify;
  out.chain_cached = false;
  if (leaf != nullptr) {
    out.cert = digest_of(leaf);
    out.decision = core::decide(*host.compiled, &*out.cert, verify);
  } else {
    out.cert.reset();
    out.decision = core::decide(*host.compiled, nullptr, verify);
  }
  out.evaluated = true;
}

std::shared_ptr<const ServerTls> ServerTls::build(const config::GatewayConfig& cfg, std::uint64_t generation) {
  std::shared_ptr<ServerTls> tls(new ServerTls());
  tls->reject_ = cfg.reject;
  tls->ticket_keys_ = TicketKeys::load(cfg.session_ticket_keys);  // before anything else: the keys' errors first
  std::vector<const config::HostPolicy*> policies{&cfg.default_host};
  for (const auto& h : cfg.hosts) policies.push_back(&h);
  for (std::size_t i = 0; i < policies.size(); ++i) {
    auto host = std::make_unique<HostRuntime>();
    host->policy = *policies[i];
    host->index = static_cast<int>(i);
    host->sid_ctx = tls->ticket_keys_ ? ticket_sid_ctx(host->policy)
                                      : "certgate:" + std::to_string(generation) + ":" + std::to_string(i);
    host->trust = TrustStore::load(host->policy.tls.client_ca, host->policy.tls.crl, host->policy.tls.verify_depth,
                                   host->policy.tls.crl_expired == config::CrlExpired::warn);
    host->compiled = core::CompiledPolicy::compile(host->policy.mapping, host->policy.tls.mode, digest_of_der,
                                                    host->policy.tls.enforcement);
    host->verify_mode = verify_mode_for(host->policy.tls.mode, host->compiled->enforced() ? cfg.reject
                                                                                          : config::RejectMode::http);
    host->chain_cache = std::make_unique<VerifiedChainCache>(cfg.limits.verified_chain_cache, *host->trust);
    if (host->policy.tls.ocsp != config::OcspMode::off) host->ocsp = make_ocsp_block(*host->trust);
    host->ctx = make_ctx(*host, tls.get(), cfg.limits.session_cache, tls->ticket_keys_.get());
    tls->hosts_.push_back(std::move(host));
  }
  for (const auto& host : tls->hosts_) {
    for (const auto& name : host->policy.server_names) tls->index_.add(name, host->index);
  }
  SSL_CTX_set_client_hello_cb(tls->hosts_.front()->ctx.get(), client_hello_cb, tls.get());
  return tls;
}

ServerTls::~ServerTls() = default;

const HostRuntime& ServerTls::host_for(std::string_view name) const {
  int block = index_.find(name);
  return block < 0 ? default_host() : *hosts_[static_cast<std::size_t>(block)];
}

SslPtr ServerTls::new_ssl(HandshakeOutcome* outcome) const {
  SslPtr ssl(SSL_new(default_host().ctx.get()));
  if (!ssl) throw std::runtime_error("SSL_new failed: " + take_openssl_errors());
  SSL_set_ex_data(ssl.get(), outcome_index(), outcome);
  return ssl;
}

void ServerTls::finish(SSL* ssl, HandshakeOutcome& out) const {
  if (out.host == nullptr) out.host = &default_host();
  const unsigned char* alpn = nullptr;
  unsigned int alpn_len = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
  out.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
  out.resumed = SSL_session_reused(ssl) == 1;
  if (out.evaluated && !out.resumed) return;
  // Resumed session (the verify callback did not run) or no certificate presented. A session this process made
  // carries the outcome of its full handshake, so the decision is the same; any other resumed session (a ticket)
  // carries only certificates, which are verified and decided again here.
  X509* peer = out.host->policy.tls.mode == core::ClientCertMode::ignore ? nullptr : SSL_get0_peer_certificate(ssl);
  if (peer != nullptr) {
    if (const CachedVerification* kept = remembered_outcome(SSL_get0_session(ssl))) {
      out.cert = kept->cert;
      out.verify = kept->verify;
      out.decision = kept->decision;
      out.evaluated = true;
      return;
    }
    if (out.resumed) {
      verify_resumed(*out.host, ssl, peer, out);
      return;
    }
  }
  core::VerifyResult verify;
  if (peer != nullptr) {
    long code = SSL_get_verify_result(ssl);
    verify = code == X509_V_OK ? core::VerifyResult{core::VerifyStatus::ok, 0, -1, ""}
                               : classify_verify_error(static_cast<int>(code), 0);
  }
  evaluate_peer(*out.host, peer, verify, out);
}

bool acceptable_server_name(std::string_view sni) {
  if (sni.empty()) return true;
  auto parsed = core::parse_host_port(sni);
  return parsed && !parsed.value->port && parsed.value->kind != core::HostPort::Kind::ipv6;
}

void ServerTls::redecide(SSL* ssl, HandshakeOutcome& out) const {
  const HostRuntime& host = host_for(out.sni);
  out.host = &host;
  X509* peer = host.policy.tls.mode == core::ClientCertMode::ignore ? nullptr : SSL_get0_peer_certificate(ssl);
  core::VerifyResult verify;
  if (peer != nullptr) verify = host.trust->verify(peer, presented_intermediates(ssl));
  evaluate_peer(host, peer, verify, out);
}

std::time_t decision_expiry(SSL* ssl, const HostRuntime& host) {
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr) return std::numeric_limits<std::time_t>::max();
  // The same horizon as a cached verification's: the next moment any time the verification compares with
  // the clock is reached (notBefore/notAfter of the chain and the block's anchors, thisUpdate/nextUpdate of
  // its CRLs). A time already past changes nothing any more, so an expired anchor or CRL elsewhere in the
  // block does not make every request decide again; a CRL issued ahead of its thisUpdate does re-decide.
  return host.chain_cache->valid_until(peer, presented_intermediates(ssl), SSL_get0_verified_chain(ssl));
}

}  // namespace certgate::tls
