#pragma once
// OCSP answers a host block already has, per certificate (issuer and serial, as the OCSP CertID names them),
// until the response's nextUpdate: a client's next connection costs no lookup. Only answers of a response
// that verified are kept; a failure is asked again on the next connection. Shared by the workers (it locks
// itself); it dies with its host block, so a reload starts empty.
#include <cstddef>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "tls/ocsp_answer.hpp"

namespace certgate::tls {

class OcspCache {
 public:
  // How long an answer without a nextUpdate is kept.
  static constexpr std::time_t kWithoutNextUpdate = 300;

  struct Hit {
    OcspAnswer answer;
    std::time_t expires = 0;  // the entry is used before this time
  };

  explicit OcspCache(std::size_t capacity) : capacity_(capacity) {}

  // Until when `answer`, received at `now`, may be used: its nextUpdate (kWithoutNextUpdate from now when it has
  // none); 0 for an answer that is not kept (an error, a nextUpdate already past).
  static std::time_t keep_until(const OcspAnswer& answer, std::time_t now);

  std::optional<Hit> find(const std::string& key, std::time_t now) const;
  // Keeps `answer` until keep_until(); when full, expired entries go first, then the one that expires soonest.
  // Returns the expiry (0: not kept).
  std::time_t insert(const std::string& key, const OcspAnswer& answer, std::time_t now);
  std::size_t size() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Hit> entries_;
};

}  // namespace certgate::tls
