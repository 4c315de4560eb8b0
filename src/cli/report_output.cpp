#include "cli/report_output.hpp"

#include <fmt/format.h>

#include "log/escape.hpp"

namespace certgate::cli {
namespace {

using logging::shown;
using json = nlohmann::ordered_json;

// JSON strings must be UTF-8: a byte that is not (a text log's \xff) becomes the character of the same value,
// as the access log's own JSON lines write it.
std::string utf8(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = logging::utf8_sequence_length(s, i);
    if (n) {
      out.append(s, i, n);
      i += n;
    } else {
      const auto c = static_cast<unsigned char>(s[i++]);
      out.push_back(static_cast<char>(0xc0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
  }
  return out;
}

std::size_t rows(std::size_t have, std::size_t top) { return top == 0 ? have : std::min(have, top); }

void table(std::string& out, const std::string& title, const std::vector<logging::Tally>& t, std::size_t top) {
  if (t.empty()) return;
  out += title + ":\n";
  const std::size_t n = rows(t.size(), top);
  for (std::size_t i = 0; i < n; ++i) out += fmt::format("  {:>8}  {}\n", t[i].count, shown(t[i].key));
  if (n < t.size()) out += fmt::format("  ({} more)\n", t.size() - n);
}

void refusal_tables(std::string& out, const std::string& what, const logging::Refusals& r, std::size_t top) {
  if (r.total == 0) return;
  out += "\n" + what + ", by reason:\n";
  const std::size_t n = rows(r.by_reason.size(), top);
  for (std::size_t i = 0; i < n; ++i)
    out += fmt::format("  {:>8}  {:<6} {}\n", r.by_reason[i].count, shown(r.by_reason[i].status), shown(r.by_reason[i].reason));
  if (n < r.by_reason.size()) out += fmt::format("  ({} more)\n", r.by_reason.size() - n);
  table(out, what + ", by client IP", r.by_client_ip, top);
  table(out, what + ", by certificate fingerprint (- = no certificate)", r.by_fingerprint, top);
  table(out, what + ", by host", r.by_host, top);
}

json tallies(const std::vector<logging::Tally>& t, const char* key) {
  json a = json::array();
  for (const auto& row : t) a.push_back({{key, utf8(row.key)}, {"count", row.count}});
  return a;
}

json refusals(const logging::Refusals& r) {
  json by_reason = json::array();
  for (const auto& row : r.by_reason)
    by_reason.push_back({{"status", row.status}, {"reason", utf8(row.reason)}, {"count", row.count}});
  return {{"total", r.total},
          {"by_reason", by_reason},
          {"by_client_ip", tallies(r.by_client_ip, "client_ip")},
          {"by_fingerprint", tallies(r.by_fingerprint, "fingerprint")},
          {"by_host", tallies(r.by_host, "host")}};
}

json or_null(const std::optional<std::string>& s) { return s ? json(utf8(*s)) : json(nullptr); }

}  // namespace

std::string report_text(const logging::RolloutReport& r, const ReportContext& ctx) {
  std::string out = r.safe ? "safe to enforce\n" : "not safe to enforce\n";
  for (const std::string& reason : r.reasons) out += "  " + reason + "\n";
  out += "\n";
  std::string files;
  for (const std::string& f : ctx.files) files += (files.empty() ? "" : ", ") + shown(f);
  out += fmt::format("{:<20}{:>8}  ({})\n", "lines read", r.lines_read, files);
  if (r.first_time)
    out += fmt::format("{:<20}{} to {}\n", "window", *r.first_time, *r.last_time);
  if (ctx.since) out += fmt::format("{:<20}{}\n", "since", *ctx.since);
  if (ctx.host) out += fmt::format("{:<20}{}\n", "host", shown(*ctx.host));
  out += fmt::format("{:<20}{:>8}\n", "requests", r.requests);
  out += fmt::format("{:<20}{:>8}\n", "  admitted", r.admitted);
  out += fmt::format("{:<20}{:>8}\n", "  would be refused", r.would_refuse.total);
  if (ctx.edge_ranges)
    out += fmt::format("{:<20}{:>8}  (would be refused, not from the {} edge range(s): enforcing refuses them, as it should)\n",
                       "  not from the edge", r.not_from_edge.total, *ctx.edge_ranges);
  out += fmt::format("{:<20}{:>8}  (refused by an enforced decision)\n", "  already refused", r.already_refused);
  out += fmt::format("{:<20}{:>8}\n", "unreadable lines", r.unreadable_lines);
  out += fmt::format("{:<20}{:>8}\n", "dropped lines", r.dropped_lines);

  refusal_tables(out, "would be refused", r.would_refuse, ctx.top);
  refusal_tables(out, "not from the edge", r.not_from_edge, ctx.top);
  if (!r.already_refused_by_status.empty()) {
    out += "\n";
    table(out, "already refused, by status", r.already_refused_by_status, ctx.top);
  }
  if (!r.unreadable.empty()) {
    out += "\nunreadable lines:\n";
    const std::size_t n = rows(r.unreadable.size(), ctx.top);
    for (std::size_t i = 0; i < n; ++i)
      out += fmt::format("  {}:{}: {}\n", shown(r.unreadable[i].source), r.unreadable[i].line, r.unreadable[i].why);
    if (n < r.unreadable_lines) out += fmt::format("  ({} more)\n", r.unreadable_lines - n);
  }
  return out;
}

json report_json(const logging::RolloutReport& r, const ReportContext& ctx) {
  json files = json::array();
  for (const std::string& f : ctx.files) files.push_back(utf8(f));
  json reasons = json::array();
  for (const std::string& reason : r.reasons) reasons.push_back(utf8(reason));
  json unreadable = json::array();
  for (const auto& u : r.unreadable) unreadable.push_back({{"file", utf8(u.source)}, {"line", u.line}, {"why", u.why}});
  return {
      {"verdict", r.safe ? "safe to enforce" : "not safe to enforce"},
      {"safe_to_enforce", r.safe},
      {"reasons", reasons},
      {"files", files},
      {"since", or_null(ctx.since)},
      {"host", or_null(ctx.host)},
      {"edge_ranges", ctx.edge_ranges ? json(*ctx.edge_ranges) : json(nullptr)},
      {"lines_read", r.lines_read},
      {"first_time", or_null(r.first_time)},
      {"last_time", or_null(r.last_time)},
      {"requests", r.requests},
      {"admitted", r.admitted},
      {"would_refuse", refusals(r.would_refuse)},
      {"not_from_edge", ctx.edge_ranges ? refusals(r.not_from_edge) : json(nullptr)},
      {"already_refused", {{"total", r.already_refused}, {"by_status", tallies(r.already_refused_by_status, "status")}}},
      {"unreadable_lines", r.unreadable_lines},
      {"unreadable", unreadable},
      {"dropped_lines", r.dropped_lines},
      {"drop_markers", r.drop_markers},
  };
}

}  // namespace certgate::cli
