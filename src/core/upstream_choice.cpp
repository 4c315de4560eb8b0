#include "core/upstream_choice.hpp"

#include <limits>

namespace certgate::core {

bool server_available(const ServerHealth& h, std::int64_t now) { return !h.check_down && now >= h.down_until; }

void record_failure(ServerHealth& h, std::int64_t now, int max_fails, std::int64_t fail_timeout) {
  if (h.fails < max_fails) ++h.fails;
  h.last_failed = now;
  if (h.fails >= max_fails) h.down_until = now + fail_timeout;
}

void record_success(ServerHealth& h) {
  h.fails = 0;
  h.down_until = 0;
}

std::optional<std::size_t> choose_server(BalanceMethod method, std::span<const Candidate> servers, std::uint64_t ticket) {
  // The best available ones: every available one (round robin) or those with the fewest in flight (least_conn).
  std::uint32_t fewest = std::numeric_limits<std::uint32_t>::max();
  std::size_t count = 0;
  for (const Candidate& c : servers) {
    if (c.excluded || !c.available) continue;
    if (method == BalanceMethod::least_conn && c.active < fewest) {
      fewest = c.active;
      count = 0;
    }
    if (method == BalanceMethod::round_robin || c.active == fewest) ++count;
  }
  if (count > 0) {
    std::size_t nth = static_cast<std::size_t>(ticket % count);
    for (std::size_t i = 0; i < servers.size(); ++i) {
      const Candidate& c = servers[i];
      if (c.excluded || !c.available) continue;
      if (method == BalanceMethod::least_conn && c.active != fewest) continue;
      if (nth-- == 0) return i;
    }
  }
  std::optional<std::size_t> oldest;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (servers[i].excluded) continue;
    if (!oldest || servers[i].last_failed < servers[*oldest].last_failed) oldest = i;
  }
  return oldest;
}

}  // namespace certgate::core
