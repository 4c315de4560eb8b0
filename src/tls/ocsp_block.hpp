#pragma once
// A host block's OCSP state (ocsp = "leaf" or "chain"): what responses are verified against and the answers it
// already has. Built with the block, never replaced: a reload builds new blocks.
#include <memory>

#include "tls/ocsp_cache.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

class TrustStore;

struct OcspBlock {
  // Answers kept per block; when full the one expiring soonest goes.
  static constexpr std::size_t kCacheEntries = 10'000;

  X509StorePtr anchors;  // ocsp_anchor_store() of the block's client_ca
  OcspCache cache{kCacheEntries};
};

std::shared_ptr<OcspBlock> make_ocsp_block(const TrustStore& trust);

}  // namespace certgate::tls
