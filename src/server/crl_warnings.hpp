#pragma once
// When to warn that a CRL runs out (docs/operations.md, "CRLs"): a CRL whose nextUpdate is within
// [limits] crl_warn_before, or past, is warned of each time a configuration takes effect (start-up, reload,
// CRL rebuild), when it enters that window, when its nextUpdate passes, and again once a day while it stays
// so. Pure: the caller gives the time and logs the lines.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/time_limit.hpp"

namespace certgate::server {

class CrlWarnings {
 public:
  static constexpr std::int64_t kRepeatSeconds = 24 * 60 * 60;

  // The warnings due at `now` for the CRLs among `limits`. loaded: a configuration took effect since the last
  // call (everything in the window is said again).
  std::vector<std::string> due(const std::vector<core::TimeLimit>& limits, std::int64_t now, std::int64_t warn_before,
                               bool loaded);

 private:
  struct Said {
    int stage = 0;  // 1 = within crl_warn_before, 2 = past nextUpdate
    std::int64_t when = 0;
  };
  std::map<std::string, Said> said_;
};

// The text of one warning (stage 1: nextUpdate ahead, 2: passed).
std::string crl_warning_text(const core::TimeLimit& crl, std::int64_t now, int stage);

}  // namespace certgate::server
