#pragma once
// Which host block serves a name (SNI or Host): exact names first (any case, one trailing dot ignored),
// then the longest "*.suffix" the name ends with (at least one more label). Built once; the server looks up
// every handshake and every request, the tools (explain --host) look up once.
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace certgate::core {

class HostIndex {
 public:
  // block: the caller's index of the host block claiming `name` ("api.example.com" or "*.example.com").
  // The first block to claim a name keeps it.
  void add(std::string_view name, int block);
  // The block serving `name`, or -1 when none claims it (the caller's default block).
  int find(std::string_view name) const;

 private:
  std::unordered_map<std::string, int> exact_;
  std::vector<std::pair<std::string, int>> suffixes_;  // ".example.com", longest first
};

}  // namespace certgate::core
