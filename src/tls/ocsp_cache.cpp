#include "tls/ocsp_cache.hpp"

#include <algorithm>

namespace certgate::tls {

std::time_t OcspCache::keep_until(const OcspAnswer& answer, std::time_t now) {
  if (answer.status == OcspAnswer::Status::error) return 0;
  if (answer.next_update == 0) return now + kWithoutNextUpdate;
  return answer.next_update > now ? answer.next_update : 0;
}

std::optional<OcspCache::Hit> OcspCache::find(const std::string& key, std::time_t now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.expires <= now) return std::nullopt;
  return it->second;
}

std::time_t OcspCache::insert(const std::string& key, const OcspAnswer& answer, std::time_t now) {
  const std::time_t expires = keep_until(answer, now);
  if (expires == 0 || capacity_ == 0) return 0;
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_ && entries_.find(key) == entries_.end()) {
    std::erase_if(entries_, [now](const auto& e) { return e.second.expires <= now; });
    if (entries_.size() >= capacity_) {
      auto soonest = std::min_element(entries_.begin(), entries_.end(),
                                      [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
      entries_.erase(soonest);
    }
  }
  entries_[key] = Hit{answer, expires};
  return expires;
}

std::size_t OcspCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace certgate::tls
