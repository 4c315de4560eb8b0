// The verified-chain cache: keys that tell chains apart, hits and misses, the LRU bound, 0 = off, and an expiry
// at the first time limit of what the verification compared with the clock (injected here).
#include <gtest/gtest.h>

#include <ctime>
#include <memory>

#include "test_pki.hpp"
#include "tls/trust_store.hpp"
#include "tls/verified_chain_cache.hpp"
#include "verify_support.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

std::shared_ptr<const CachedVerification> entry_until(std::time_t until, const std::string& identity = "edge-user") {
  auto e = std::make_shared<CachedVerification>();
  e->verify.status = core::VerifyStatus::ok;
  e->decision.admitted = true;
  e->decision.status = 200;
  e->decision.identity = identity;
  e->valid_until = until;
  return e;
}

ChainKey key_of(int n) {
  ChainKey k{};
  k[0] = static_cast<unsigned char>(n);
  k[31] = static_cast<unsigned char>(n >> 8);
  return k;
}

// An intermediate CA under `root` with a given key and validity: two of them with one key and name both issue
// (and verify) the same leaf.
Issued intermediate(const Issued& root, EVP_PKEY* key, std::time_t not_after, const std::string& serial) {
  CertSpec spec;
  spec.subject = {{"O", "Certgate Test"}, {"CN", "Cache Intermediate"}};
  spec.ca = true;
  spec.serial_hex = serial;
  spec.not_after = not_after;
  Issued out;
  EVP_PKEY_up_ref(key);
  out.key.reset(key);
  out.cert = make_cert(spec, key, &root);
  return out;
}

class VerifiedChainCacheTest : public ::testing::Test {
 protected:
  std::time_t now = std::time(nullptr);
  VerifiedChainCache::Clock clock() {
    return [this] { return now; };
  }
  TempDir dir;
  Issued root = make_ca("Cache Root");
  EvpPkeyPtr int_key = make_key();
  Issued inter = intermediate(root, int_key.get(), now + 30 * 86400, "1001");
  Issued reissued = intermediate(root, int_key.get(), now + 10 * 86400, "1002");  // same name and key
  std::shared_ptr<const TrustStore> trust = store_with(dir, {&root});
};

TEST_F(VerifiedChainCacheTest, SameChainSameKeyOtherChainsOtherKeys) {
  Issued leaf = make_client(inter, "edge.example.com");
  X509StackPtr with_inter = stack_of({leaf.cert.get(), inter.cert.get()});
  X509StackPtr with_reissued = stack_of({leaf.cert.get(), reissued.cert.get()});
  X509StackPtr alone = stack_of({leaf.cert.get()});
  X509StackPtr reversed = stack_of({inter.cert.get(), leaf.cert.get()});

  // Both intermediates complete the chain: the control that they are interchangeable to the verification.
  ASSERT_EQ(certgate_verify(*trust, leaf.cert.get(), {inter.cert.get()}).status, core::VerifyStatus::ok);
  ASSERT_EQ(certgate_verify(*trust, leaf.cert.get(), {reissued.cert.get()}).status, core::VerifyStatus::ok);

  auto a = chain_key(leaf.cert.get(), with_inter.get());
  auto b = chain_key(leaf.cert.get(), with_reissued.get());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a, chain_key(leaf.cert.get(), with_inter.get()));
  EXPECT_NE(*a, *b) << "the same leaf with another intermediate is another chain";
  EXPECT_NE(*a, *chain_key(leaf.cert.get(), alone.get()));
  EXPECT_NE(*a, *chain_key(leaf.cert.get(), reversed.get()));
  EXPECT_NE(*chain_key(leaf.cert.get(), nullptr), *chain_key(leaf.cert.get(), alone.get()));
  Issued other = make_client(inter, "edge.example.com");
  EXPECT_NE(*a, *chain_key(other.cert.get(), with_inter.get()));
  EXPECT_FALSE(chain_key(nullptr, with_inter.get()));
}

TEST_F(VerifiedChainCacheTest, HitOnlyForTheKeyThatWasInserted) {
  VerifiedChainCache cache(4, *trust, clock());
  EXPECT_EQ(cache.find(key_of(1)), nullptr);
  auto e = entry_until(now + 60);
  cache.insert(key_of(1), e);
  EXPECT_EQ(cache.find(key_of(1)), e);
  EXPECT_EQ(cache.find(key_of(2)), nullptr);
  EXPECT_EQ(cache.size(), 1u);

  auto replaced = entry_until(now + 60, "other");
  cache.insert(key_of(1), replaced);
  EXPECT_EQ(cache.find(key_of(1)), replaced);
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(VerifiedChainCacheTest, EvictsTheLeastRecentlyUsedAtTheBound) {
  VerifiedChainCache cache(2, *trust, clock());
  cache.insert(key_of(1), entry_until(now + 60));
  cache.insert(key_of(2), entry_until(now + 60));
  ASSERT_NE(cache.find(key_of(1)), nullptr);  // 1 is now the most recently used
  cache.insert(key_of(3), entry_until(now + 60));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.find(key_of(1)), nullptr);
  EXPECT_EQ(cache.find(key_of(2)), nullptr);
  EXPECT_NE(cache.find(key_of(3)), nullptr);
  for (int i = 10; i < 100; ++i) cache.insert(key_of(i), entry_until(now + 60));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.find(key_of(99)), nullptr);
  EXPECT_NE(cache.find(key_of(98)), nullptr);
}

TEST_F(VerifiedChainCacheTest, ZeroTurnsItOff) {
  VerifiedChainCache cache(0, *trust, clock());
  cache.insert(key_of(1), entry_until(now + 60));
  EXPECT_EQ(cache.find(key_of(1)), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.capacity(), 0u);
}

TEST_F(VerifiedChainCacheTest, ServedUntilValidUntilAndDroppedThen) {
  VerifiedChainCache cache(4, *trust, clock());
  cache.insert(key_of(1), entry_until(now + 10));
  now += 9;
  EXPECT_NE(cache.find(key_of(1)), nullptr);
  now += 1;  // now == valid_until: past the last second it held for
  EXPECT_EQ(cache.find(key_of(1)), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  now -= 5;  // and it does not come back
  EXPECT_EQ(cache.find(key_of(1)), nullptr);
}

TEST_F(VerifiedChainCacheTest, AnEntryAlreadyExpiredIsNotKept) {
  VerifiedChainCache cache(4, *trust, clock());
  cache.insert(key_of(1), entry_until(now));
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(VerifiedChainCacheTest, ValidUntilTheEarliestNotAfterOfTheChain) {
  VerifiedChainCache cache(4, *trust, clock());
  CertSpec spec;
  spec.subject = {{"CN", "edge.example.com"}};
  spec.eku = {"clientAuth"};
  spec.not_after = now + 5 * 86400;
  Issued leaf = make_leaf(inter, spec);
  X509StackPtr presented = stack_of({leaf.cert.get(), inter.cert.get()});
  X509StackPtr verified = stack_of({leaf.cert.get(), inter.cert.get(), root.cert.get()});
  EXPECT_EQ(cache.valid_until(leaf.cert.get(), presented.get(), verified.get()), now + 5 * 86400) << "the leaf's";

  spec.not_after = now + 20 * 86400;
  Issued later = make_leaf(inter, spec);
  X509StackPtr reissued_chain = stack_of({later.cert.get(), reissued.cert.get()});
  X509StackPtr reissued_verified = stack_of({later.cert.get(), reissued.cert.get(), root.cert.get()});
  EXPECT_EQ(cache.valid_until(later.cert.get(), reissued_chain.get(), reissued_verified.get()), now + 10 * 86400)
      << "the intermediate's";
}

TEST_F(VerifiedChainCacheTest, ValidUntilTheAnchorsNotAfterAndTheCrlsNextUpdate) {
  CertSpec root_spec;
  root_spec.subject = {{"CN", "Short Root"}};
  root_spec.ca = true;
  root_spec.not_after = now + 3 * 86400;
  Issued short_root = make_issued(root_spec, nullptr);
  Issued leaf = make_client(short_root, "edge.example.com");
  X509StackPtr presented = stack_of({leaf.cert.get()});
  X509StackPtr verified = stack_of({leaf.cert.get(), short_root.cert.get()});
  auto short_trust = store_with(dir, {&short_root});
  EXPECT_EQ(VerifiedChainCache(4, *short_trust, clock()).valid_until(leaf.cert.get(), presented.get(), verified.get()),
            now + 3 * 86400);

  X509CrlPtr crl = make_crl(short_root, {}, now + 3600);
  auto with_crl = store_with(dir, {&short_root}, {crl.get()});
  EXPECT_EQ(VerifiedChainCache(4, *with_crl, clock()).valid_until(leaf.cert.get(), presented.get(), verified.get()),
            now + 3600);
}

TEST_F(VerifiedChainCacheTest, ValidUntilACrlOrCertificateBecomesValid) {
  // A CRL issued ahead of time (thisUpdate still to come) is not used today, but may revoke once it is current.
  CrlSpec future;
  future.last_update = now + 600;
  future.next_update = now + 7 * 86400;
  X509CrlPtr current = make_crl(root, {});
  X509CrlPtr ahead = make_crl(root, {}, future);
  auto ts = store_with(dir, {&root}, {current.get(), ahead.get()});
  Issued leaf = make_client(root, "edge.example.com");
  X509StackPtr presented = stack_of({leaf.cert.get()});
  X509StackPtr verified = stack_of({leaf.cert.get(), root.cert.get()});
  EXPECT_EQ(VerifiedChainCache(4, *ts, clock()).valid_until(leaf.cert.get(), presented.get(), verified.get()), now + 600);

  // A presented certificate that becomes valid later can change the chain OpenSSL builds.
  CertSpec spec;
  spec.subject = {{"O", "Certgate Test"}, {"CN", "Cache Intermediate"}};
  spec.ca = true;
  spec.not_before = now + 900;
  spec.not_after = now + 30 * 86400;
  X509Ptr not_yet = make_cert(spec, int_key.get(), &root);
  X509StackPtr with_not_yet = stack_of({leaf.cert.get(), not_yet.get()});
  EXPECT_EQ(VerifiedChainCache(4, *trust, clock()).valid_until(leaf.cert.get(), with_not_yet.get(), verified.get()),
            now + 900);
}

}  // namespace
}  // namespace certgate::tls
