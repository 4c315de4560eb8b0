#include "core/host_index.hpp"

#include <algorithm>

#include "core/ascii.hpp"

namespace certgate::core {
namespace {
std::string normalized(std::string_view name) {
  std::string n = ascii::lower_copy(name);
  if (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}
}  // namespace

void HostIndex::add(std::string_view name, int block) {
  std::string n = normalized(name);
  if (n.rfind("*.", 0) == 0) {
    std::string suffix = n.substr(1);
    auto at = std::find_if(suffixes_.begin(), suffixes_.end(),
                           [&](const auto& s) { return s.first.size() < suffix.size(); });
    suffixes_.emplace(at, std::move(suffix), block);  // stays sorted, longest first, first claim first
  } else {
    exact_.emplace(std::move(n), block);
  }
}

int HostIndex::find(std::string_view name) const {
  std::string n = normalized(name);
  if (n.empty()) return -1;
  if (auto it = exact_.find(n); it != exact_.end()) return it->second;
  for (const auto& [suffix, block] : suffixes_) {
    if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) return block;
  }
  return -1;
}

}  // namespace certgate::core
