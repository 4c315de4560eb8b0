#include "tls/verified_chain_cache.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "tls/digest.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

bool hash_der(EVP_MD_CTX* md, X509* cert, std::string& buf) {
  const int len = i2d_X509(cert, nullptr);
  if (len <= 0) return false;
  buf.resize(4 + static_cast<std::size_t>(len));
  const auto n = static_cast<std::uint32_t>(len);
  buf[0] = static_cast<char>(n >> 24);
  buf[1] = static_cast<char>(n >> 16);
  buf[2] = static_cast<char>(n >> 8);
  buf[3] = static_cast<char>(n);
  auto* out = reinterpret_cast<unsigned char*>(buf.data() + 4);
  if (i2d_X509(cert, &out) != len) return false;
  return EVP_DigestUpdate(md, buf.data(), buf.size()) == 1;
}

// `until` becomes t when t is after now and earlier than it.
void earliest_after(std::time_t now, std::time_t t, std::time_t& until) {
  if (t > now && t < until) until = t;
}

void cert_times(X509* cert, std::time_t now, std::time_t& until) {
  if (cert == nullptr) return;
  earliest_after(now, static_cast<std::time_t>(unix_seconds(X509_get0_notBefore(cert))), until);
  earliest_after(now, static_cast<std::time_t>(unix_seconds(X509_get0_notAfter(cert))), until);
}

}  // namespace

std::optional<ChainKey> chain_key(X509* leaf, STACK_OF(X509) * untrusted) {
  if (leaf == nullptr) return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> md(EVP_MD_CTX_new());
  if (!md || EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr) != 1) return std::nullopt;
  std::string buf;
  if (!hash_der(md.get(), leaf, buf)) return std::nullopt;
  for (int i = 0; i < sk_X509_num(untrusted); ++i) {
    if (!hash_der(md.get(), sk_X509_value(untrusted, i), buf)) return std::nullopt;
  }
  ChainKey key{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(md.get(), key.data(), &len) != 1 || len != key.size()) return std::nullopt;
  return key;
}

std::size_t VerifiedChainCache::KeyHash::operator()(const ChainKey& k) const {
  std::size_t h = 0;
  std::memcpy(&h, k.data(), sizeof h);  // a SHA-256 output: any of its bytes are uniformly spread
  return h;
}

VerifiedChainCache::VerifiedChainCache(std::size_t capacity, const TrustStore& trust, Clock now)
    : capacity_(capacity), now_(std::move(now)) {
  for (const X509Ptr& anchor : trust.anchors()) {
    trust_times_.push_back(static_cast<std::time_t>(unix_seconds(X509_get0_notBefore(anchor.get()))));
    trust_times_.push_back(static_cast<std::time_t>(unix_seconds(X509_get0_notAfter(anchor.get()))));
  }
  for (const X509CrlPtr& crl : trust.crls()) {
    trust_times_.push_back(static_cast<std::time_t>(unix_seconds(X509_CRL_get0_lastUpdate(crl.get()))));
    // A CRL without nextUpdate is refused at load (crl_rules.hpp); 0 would only be ignored.
    trust_times_.push_back(static_cast<std::time_t>(unix_seconds(X509_CRL_get0_nextUpdate(crl.get()))));
  }
  std::sort(trust_times_.begin(), trust_times_.end());
}

std::time_t VerifiedChainCache::valid_until(X509* leaf, STACK_OF(X509) * presented, STACK_OF(X509) * verified) const {
  const std::time_t now = now_();
  std::time_t until = std::numeric_limits<std::time_t>::max();
  auto next = std::upper_bound(trust_times_.begin(), trust_times_.end(), now);
  if (next != trust_times_.end()) until = *next;
  cert_times(leaf, now, until);
  for (int i = 0; i < sk_X509_num(presented); ++i) cert_times(sk_X509_value(presented, i), now, until);
  for (int i = 0; i < sk_X509_num(verified); ++i) cert_times(sk_X509_value(verified, i), now, until);
  return until;
}

std::shared_ptr<const CachedVerification> VerifiedChainCache::find(const ChainKey& key) {
  if (capacity_ == 0) return nullptr;
  const std::time_t now = now_();
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = slots_.find(key);
  if (it == slots_.end()) return nullptr;
  if (!(now < it->second.entry->valid_until)) {
    lru_.erase(it->second.position);
    slots_.erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second.position);
  return it->second.entry;
}

void VerifiedChainCache::insert(const ChainKey& key, std::shared_ptr<const CachedVerification> entry) {
  if (capacity_ == 0 || entry == nullptr || !(now_() < entry->valid_until)) return;
  std::shared_ptr<const CachedVerification> evicted;  // freed after the lock is released
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = slots_.find(key); it != slots_.end()) {
    evicted = std::move(it->second.entry);
    it->second.entry = std::move(entry);
    lru_.splice(lru_.begin(), lru_, it->second.position);
    return;
  }
  if (slots_.size() >= capacity_) {
    auto last = slots_.find(lru_.back());
    evicted = std::move(last->second.entry);
    slots_.erase(last);
    lru_.pop_back();
  }
  lru_.push_front(key);
  slots_.emplace(key, Slot{std::move(entry), lru_.begin()});
}

std::size_t VerifiedChainCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return slots_.size();
}

}  // namespace certgate::tls
