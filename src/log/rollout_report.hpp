#pragma once
// What `certgate report` tells an operator before switching `enforce` on: read the access log of a
// report-only rollout (lines with would_refuse=...) and say whether enforcing would refuse anything the
// log shows being admitted. docs/tools.md ("certgate report") describes the verdict and the JSON form.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/ip_range.hpp"

namespace certgate::logging {

struct RolloutOptions {
  std::optional<std::int64_t> since_ms;  // lines older than this (unix ms) are outside the window
  std::optional<std::string> host;       // only requests whose host or sni is this name (ignoring case)
  std::optional<IpRangeSet> edge;        // the edge's ranges: would-be refusals from elsewhere do not count
};

struct Tally {
  std::string key;
  std::uint64_t count = 0;
};

struct ReasonTally {
  std::string status;  // "403.16"
  std::string reason;
  std::uint64_t count = 0;
};

// Requests that would be refused, counted four ways. Each list: highest count first, then by key.
struct Refusals {
  std::uint64_t total = 0;
  std::vector<ReasonTally> by_reason;
  std::vector<Tally> by_client_ip;    // the client's address ("-" when the log has none)
  std::vector<Tally> by_fingerprint;  // "-" = no client certificate
  std::vector<Tally> by_host;         // the Host field, else the SNI, else "-"
};

struct UnreadableLine {
  std::string source;  // file name, "-" for standard input
  std::uint64_t line = 0;
  std::string why;
};

struct RolloutReport {
  std::uint64_t lines_read = 0;
  std::uint64_t requests = 0;         // request lines in the window (and for --host)
  std::uint64_t admitted = 0;         // neither would be refused nor refused
  Refusals would_refuse;              // counted against the verdict
  Refusals not_from_edge;             // would be refused, from outside the edge ranges (only with an edge)
  std::uint64_t already_refused = 0;  // refused by an enforcing decision: 401/403 with a substatus
  std::vector<Tally> already_refused_by_status;
  std::uint64_t unreadable_lines = 0;
  std::vector<UnreadableLine> unreadable;  // the first kMaxUnreadableKept of them
  std::uint64_t dropped_lines = 0;         // lines the gateway could not write (lines_dropped markers)
  std::uint64_t drop_markers = 0;
  std::optional<std::string> first_time, last_time;  // of the requests in the window, as logged
  bool safe = false;
  std::vector<std::string> reasons;  // why not safe, one line each
};

// A value from the log as the report shows it to people: printable ASCII as it is, every other byte as \xHH
// (so no value can move the cursor or start a line of its own), "-" when empty.
std::string shown(std::string_view value);

class RolloutReportBuilder {
 public:
  static constexpr std::size_t kMaxUnreadableKept = 100;
  // Reasons named in the verdict's line about would-be refusals, at most (the tables have them all).
  static constexpr std::size_t kReasonsInVerdict = 10;

  explicit RolloutReportBuilder(RolloutOptions options) : options_(std::move(options)) {}
  // One line of a log, without its line feed; line_number counts from 1 in each source.
  void add_line(std::string_view source, std::uint64_t line_number, std::string_view text);
  RolloutReport finish() const;

 private:
  struct Counts {
    std::uint64_t total = 0;
    std::map<std::pair<std::string, std::string>, std::uint64_t> by_reason;
    std::map<std::string, std::uint64_t> by_client_ip, by_fingerprint, by_host;
  };
  static Refusals sorted(const Counts& c);

  RolloutOptions options_;
  RolloutReport report_;
  std::optional<std::int64_t> first_ms_, last_ms_;
  Counts would_refuse_, not_from_edge_;
  std::map<std::string, std::uint64_t> refused_by_status_;
};

}  // namespace certgate::logging
