#pragma once
// The verification and decision of client certificate chains seen before, so that a full handshake with the
// chain a CDN edge presents on every new connection skips chain building, signature and CRL checks, the digest
// and decide(). One cache belongs to one host block of one ServerTls: a reload builds new ones, so a cached
// result never outlives the anchors, CRLs, verify settings or mapping policy it was computed with.
#include <array>
#include <cstddef>
#include <ctime>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/cert_digest.hpp"
#include "core/decision.hpp"
#include "core/verify_result.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

class TrustStore;

// SHA-256 over the chain as presented: the leaf, then every untrusted certificate in order (the server side of
// OpenSSL passes the whole Certificate message as untrusted, the leaf again first), each as its DER preceded by
// its length (4 bytes, big-endian), so that no two different chains give the same input.
using ChainKey = std::array<unsigned char, 32>;
std::optional<ChainKey> chain_key(X509* leaf, STACK_OF(X509) * untrusted);

// What a full handshake with this chain established: what HandshakeOutcome takes, and the chain OpenSSL
// built (handed back to the store context on a hit, so SSL_get0_verified_chain is the same as on a miss).
struct CachedVerification {
  core::VerifyResult verify;
  std::optional<core::CertDigest> cert;
  core::Decision decision;
  X509StackPtr verified_chain;
  std::time_t valid_until = 0;  // served while now < valid_until
};

class VerifiedChainCache {
 public:
  using Clock = std::function<std::time_t()>;
  static std::time_t wall_clock() { return std::time(nullptr); }

  // capacity: entries kept (least recently used evicted first); 0 = off (find() never hits, insert() keeps
  // nothing). `trust` is the host block's store: its anchors' and CRLs' validity limits bound every entry.
  VerifiedChainCache(std::size_t capacity, const TrustStore& trust, Clock now = wall_clock);

  // The entry for this chain, or null (none, or expired: then it is dropped).
  std::shared_ptr<const CachedVerification> find(const ChainKey& key);
  // Keeps `entry` (replacing one with the same key), unless it is already expired or the cache is off.
  void insert(const ChainKey& key, std::shared_ptr<const CachedVerification> entry);

  // Until when a successful verification of `presented` (leaf first, then what the client sent) that built
  // `verified` stays the same: the first moment after now at which a time the verification compares with
  // the clock is reached. That is any notBefore or notAfter of the presented and verified certificates and
  // of the block's anchors (chain building prefers certificates valid now, so one becoming valid can change
  // the chain), and any thisUpdate or nextUpdate of the block's CRLs (a CRL becoming current can revoke).
  // Times already past no longer change anything.
  std::time_t valid_until(X509* leaf, STACK_OF(X509) * presented, STACK_OF(X509) * verified) const;

  std::time_t now() const { return now_(); }
  std::size_t capacity() const { return capacity_; }
  std::size_t size() const;

 private:
  struct KeyHash {
    std::size_t operator()(const ChainKey& k) const;
  };
  using Lru = std::list<ChainKey>;  // most recently used first
  struct Slot {
    std::shared_ptr<const CachedVerification> entry;
    Lru::iterator position;
  };

  const std::size_t capacity_;
  const Clock now_;
  std::vector<std::time_t> trust_times_;  // the anchors' and CRLs' validity limits, sorted
  mutable std::mutex mutex_;              // taken once per full handshake, for a lookup or an insert
  Lru lru_;
  std::unordered_map<ChainKey, Slot, KeyHash> slots_;
};

}  // namespace certgate::tls
