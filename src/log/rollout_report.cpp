#include "log/rollout_report.hpp"

#include <algorithm>

#include "log/access_log_reader.hpp"

namespace certgate::logging {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

// "a.example:8443" -> "a.example", "[::1]:443" -> "[::1]"; anything else as it is.
std::string_view without_port(std::string_view host) {
  const std::size_t colon = host.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == host.size()) return host;
  for (char c : host.substr(colon + 1))
    if (c < '0' || c > '9') return host;
  const std::string_view name = host.substr(0, colon);
  if (name.find(':') != std::string_view::npos && !(name.front() == '[' && name.back() == ']')) return host;
  return name;
}

bool for_host(const AccessLogLine& l, const std::string& host) {
  return same_name(l.sni, host) || same_name(l.host, host) || same_name(without_port(l.host), host);
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::vector<Tally> sorted_tallies(const std::map<std::string, std::uint64_t>& m) {
  std::vector<Tally> out;
  for (const auto& [key, count] : m) out.push_back({key, count});
  std::stable_sort(out.begin(), out.end(), [](const Tally& a, const Tally& b) { return a.count > b.count; });
  return out;
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string shown(std::string_view value) {
  if (value.empty()) return "-";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : value) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

void RolloutReportBuilder::add_line(std::string_view source, std::uint64_t line_number, std::string_view text) {
  ++report_.lines_read;
  AccessLogRead read = read_access_log_line(text);
  if (!read.line) {
    // Its time is unknown, so it counts whatever the window: what it held may be a refusal.
    ++report_.unreadable_lines;
    if (report_.unreadable.size() < kMaxUnreadableKept)
      report_.unreadable.push_back({std::string(source), line_number, std::move(read.error)});
    return;
  }
  const AccessLogLine& l = *read.line;
  if (options_.since_ms && l.time_ms < *options_.since_ms) return;
  if (l.kind == AccessLogLine::Kind::lines_dropped) {
    // Whatever host the missing lines were for: they may have held refusals for any.
    ++report_.drop_markers;
    report_.dropped_lines += l.dropped;
    return;
  }
  if (options_.host && !for_host(l, *options_.host)) return;

  ++report_.requests;
  if (!first_ms_ || l.time_ms < *first_ms_) {
    first_ms_ = l.time_ms;
    report_.first_time = l.time;
  }
  if (!last_ms_ || l.time_ms >= *last_ms_) {
    last_ms_ = l.time_ms;
    report_.last_time = l.time;
  }
  const bool enforced_refusal = (l.status == 401 || l.status == 403) && l.substatus != 0;
  if (l.would_refuse.empty()) {
    if (enforced_refusal) {
      ++report_.already_refused;
      ++refused_by_status_[status_text(l.status, l.substatus)];
    } else {
      ++report_.admitted;
    }
    return;
  }
  // An address that is not one cannot be shown to be outside the edge: it counts against the verdict.
  bool outside_edge = false;
  if (options_.edge) {
    auto ip = parse_ip(l.client_ip);
    outside_edge = ip && !options_.edge->contains(*ip);
  }
  Counts& c = outside_edge ? not_from_edge_ : would_refuse_;
  ++c.total;
  ++c.by_reason[{l.would_refuse, l.reason}];
  ++c.by_client_ip[or_dash(l.client_ip.empty() ? l.client : l.client_ip)];
  ++c.by_fingerprint[or_dash(l.fingerprint)];
  ++c.by_host[or_dash(l.host.empty() ? l.sni : l.host)];
}

Refusals RolloutReportBuilder::sorted(const Counts& c) {
  Refusals r;
  r.total = c.total;
  for (const auto& [key, count] : c.by_reason) r.by_reason.push_back({key.first, key.second, count});
  std::stable_sort(r.by_reason.begin(), r.by_reason.end(),
                   [](const ReasonTally& a, const ReasonTally& b) { return a.count > b.count; });
  r.by_client_ip = sorted_tallies(c.by_client_ip);
  r.by_fingerprint = sorted_tallies(c.by_fingerprint);
  r.by_host = sorted_tallies(c.by_host);
  return r;
}

RolloutReport RolloutReportBuilder::finish() const {
  RolloutReport r = report_;
  r.would_refuse = sorted(would_refuse_);
  r.not_from_edge = sorted(not_from_edge_);
  r.already_refused_by_status = sorted_tallies(refused_by_status_);

  if (r.requests == 0) r.reasons.push_back("no request in the log" + std::string(options_.since_ms || options_.host ? " for this window and host" : ""));
  if (r.would_refuse.total > 0) {
    std::string line = plural(r.would_refuse.total, "request", "requests") + " would be refused: ";
    const std::size_t listed = std::min(r.would_refuse.by_reason.size(), kReasonsInVerdict);
    for (std::size_t i = 0; i < listed; ++i) {
      const ReasonTally& t = r.would_refuse.by_reason[i];
      line += (i ? ", " : "") + shown(t.status) + " " + shown(t.reason) + " (" + std::to_string(t.count) + ")";
    }
    if (listed < r.would_refuse.by_reason.size())
      line += ", and " + plural(r.would_refuse.by_reason.size() - listed, "other reason", "other reasons");
    r.reasons.push_back(line);
  }
  if (r.unreadable_lines > 0) {
    const UnreadableLine& u = r.unreadable.front();
    r.reasons.push_back(plural(r.unreadable_lines, "line", "lines") + " could not be read (the first: " + shown(u.source) + ":" +
                        std::to_string(u.line) + ": " + u.why + ")");
  }
  if (r.drop_markers > 0)
    r.reasons.push_back(plural(r.dropped_lines, "line was", "lines were") +
                        " dropped by the gateway (the log was not read fast enough): what they said is unknown");
  r.safe = r.reasons.empty();
  return r;
}

}  // namespace certgate::logging
