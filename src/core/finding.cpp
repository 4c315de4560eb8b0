#include "core/finding.hpp"

#include <algorithm>

namespace certgate::core {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "unknown";
}

std::vector<Finding> merge_findings(std::vector<Finding> findings) {
  std::vector<Finding> merged;
  for (Finding& finding : findings) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const Finding& earlier) {
      return earlier.code == finding.code && earlier.where.to_string() == finding.where.to_string() &&
             earlier.message == finding.message;
    });
    if (same == merged.end()) {
      merged.push_back(std::move(finding));
      continue;
    }
    for (std::string& host : finding.hosts) {
      if (std::find(same->hosts.begin(), same->hosts.end(), host) == same->hosts.end()) {
        same->hosts.push_back(std::move(host));
      }
    }
  }
  return merged;
}

}  // namespace certgate::core
