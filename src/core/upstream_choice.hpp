#pragma once
// Which server of an upstream takes a request, and when a server counts as down: the pure rules, over plain
// numbers (times in steady-clock nanoseconds), so that they are tested without sockets or clocks.
//
// Passive health: a server fails (a refused or timed-out connection, a reset, a response that timed out)
// max_fails times in a row and is skipped for fail_timeout. After that it is tried again; a success clears its
// count, one more failure skips it again at once (its count is still at max_fails). An active check
// (health_check) marks a server down until the check passes again.
// When every server is down, the one that failed longest ago is tried rather than refusing outright (as nginx
// does): an upstream whose servers all failed briefly recovers with the first request that gets through.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace certgate::core {

enum class BalanceMethod { round_robin, least_conn };

struct ServerHealth {
  int fails = 0;                    // consecutive failures
  std::int64_t down_until = 0;      // skipped (passively) before this time
  std::int64_t last_failed = 0;     // the latest failure, passive or active; 0 = never
  bool check_down = false;          // the active check's verdict
};

bool server_available(const ServerHealth& h, std::int64_t now);

// The state after a failure at `now`.
void record_failure(ServerHealth& h, std::int64_t now, int max_fails, std::int64_t fail_timeout);
// The state after a success (a response head arrived).
void record_success(ServerHealth& h);

struct Candidate {
  bool available = true;
  bool excluded = false;        // tried already for this request
  std::int64_t last_failed = 0;
  std::uint32_t active = 0;     // requests in flight (least_conn)
};

// The index of the server to try, or nullopt when every candidate is excluded. `ticket` is a counter taken
// once per choice: round robin takes the ticket-th available server; least_conn the available one with the
// fewest requests in flight, ties taken in turn by the ticket. No available server: the one that failed least
// recently (the lowest last_failed) of those not excluded.
std::optional<std::size_t> choose_server(BalanceMethod method, std::span<const Candidate> servers, std::uint64_t ticket);

}  // namespace certgate::core
