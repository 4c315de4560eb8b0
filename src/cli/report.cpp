// certgate report: reads the access log of a report-only rollout (`enforce = false`, `serve --report-only`)
// and says whether switching `enforce` on would refuse anything it shows being admitted
// (log/rollout_report.hpp; docs/tools.md, "certgate report").
#include "cli/report.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/config_flags.hpp"
#include "cli/report_output.hpp"
#include "config/load.hpp"
#include "core/time_text.hpp"
#include "log/rollout_report.hpp"

namespace certgate::cli {
namespace {

struct ReportOptions {
  std::vector<std::string> files;
  std::optional<std::string> since;
  bool json = false;
  std::vector<std::string> edge;
  std::vector<std::string> edge_files;
  std::optional<std::string> host;
  std::size_t top = 10;
};

void usage_error(const std::string& message) { std::cerr << "certgate report: " << message << "\n"; }

// "1h", "30m", "90s" back from now, or a point in time ("2026-12-02T10:00:00Z", UTC when it has no offset).
// Unix milliseconds; nullopt (said) when it is neither.
std::optional<std::int64_t> since_ms(const std::string& text, std::int64_t now_ms) {
  const bool looks_like_time = text.find_first_of("-:T") != std::string::npos;
  if (!looks_like_time) {
    if (auto d = config::parse_duration(text)) return now_ms - d->count();
  } else if (auto t = core::parse_time(text)) {
    return *t * 1000;
  }
  usage_error("--since '" + text + "': neither a duration (30m, 1h, 3600) nor a time (2026-12-02T10:00:00Z)");
  return std::nullopt;
}

bool add_range(logging::IpRangeSet& set, std::string_view text, const std::string& where) {
  auto parsed = logging::parse_ip_range(text);
  if (!parsed.range) {
    usage_error(where + parsed.error);
    return false;
  }
  set.add(*parsed.range);
  return true;
}

std::string_view trimmed(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// One range or address a line, `#` starts a comment, blank lines skipped (Cloudflare's ips-v4 / ips-v6).
bool read_edge_file(logging::IpRangeSet& set, const std::string& path) {
  std::ifstream in(path);
  if (!in || std::filesystem::is_directory(path)) {
    usage_error("--edge-file " + path + ": cannot be read");
    return false;
  }
  std::string line;
  for (std::uint64_t number = 1; std::getline(in, line); ++number) {
    std::string_view text = line;
    text = trimmed(text.substr(0, text.find('#')));
    if (text.empty()) continue;
    if (!add_range(set, text, path + ":" + std::to_string(number) + ": ")) return false;
  }
  return true;
}

// Feeds every line of one source; false (said) when it cannot be read.
bool read_log(logging::RolloutReportBuilder& builder, const std::string& name, std::istream& in) {
  std::string line;
  std::uint64_t number = 0;
  while (std::getline(in, line)) builder.add_line(name, ++number, line);
  if (in.bad()) {
    usage_error(name + ": read error after line " + std::to_string(number));
    return false;
  }
  return true;
}

int run_report(const ReportOptions& opts) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  logging::RolloutOptions options;
  ReportContext ctx;
  ctx.files = opts.files;
  ctx.top = opts.top;
  if (opts.since) {
    options.since_ms = since_ms(*opts.since, now_ms);
    if (!options.since_ms) return kExitUsage;
    ctx.since = core::format_utc(*options.since_ms / 1000);
  }
  if (opts.host) {
    options.host = *opts.host;
    ctx.host = *opts.host;
  }
  if (!opts.edge.empty() || !opts.edge_files.empty()) {
    logging::IpRangeSet edge;
    for (const std::string& e : opts.edge)
      if (!add_range(edge, e, "--edge: ")) return kExitUsage;
    for (const std::string& f : opts.edge_files)
      if (!read_edge_file(edge, f)) return kExitUsage;
    if (edge.empty()) {
      usage_error("--edge-file: no range in the file(s)");
      return kExitUsage;
    }
    ctx.edge_ranges = edge.size();
    options.edge = std::move(edge);
  }
  // Every file is opened before any is read: one that cannot be is an error, not a shorter report.
  std::vector<std::unique_ptr<std::ifstream>> streams;
  int stdin_uses = 0;
  for (const std::string& f : opts.files) {
    if (f == "-") {
      if (++stdin_uses > 1) {
        usage_error("- (standard input) given twice");
        return kExitUsage;
      }
      streams.push_back(nullptr);
      continue;
    }
    auto in = std::make_unique<std::ifstream>(f, std::ios::binary);
    if (!*in || std::filesystem::is_directory(f)) {
      usage_error(f + ": cannot be read");
      return kExitUsage;
    }
    streams.push_back(std::move(in));
  }
  logging::RolloutReportBuilder builder(std::move(options));
  for (std::size_t i = 0; i < opts.files.size(); ++i) {
    std::istream& in = streams[i] ? static_cast<std::istream&>(*streams[i]) : std::cin;
    if (!read_log(builder, opts.files[i], in)) return kExitUsage;
  }
  const logging::RolloutReport report = builder.finish();
  if (opts.json) std::cout << report_json(report, ctx).dump(2) << "\n";
  else std::cout << report_text(report, ctx);
  return report.safe ? kExitOk : kExitFinding;
}

}  // namespace

void register_report(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<ReportOptions>();
  CLI::App* sub = app.add_subcommand(
      "report", "read the access log of a report-only rollout: is it safe to switch enforce on?");
  sub->add_option("ACCESS_LOG", opts->files, "access log files, oldest first (- = standard input)")->required();
  sub->add_option("--since", opts->since, "only lines this recent (30m, 1h) or from this time on (RFC 3339)");
  sub->add_flag("--json", opts->json, "machine-readable output (schema in docs/tools.md)");
  sub->add_option("--edge", opts->edge, "the edge's address range (CIDR or address; repeatable)");
  sub->add_option("--edge-file", opts->edge_files,
                  "a file of edge ranges, one a line, # comments (Cloudflare's ips-v4, ips-v6; repeatable)");
  sub->add_option("--host", opts->host, "only requests for this host name (Host or SNI, ignoring case)");
  sub->add_option("--top", opts->top, "rows per table in the text output (0 = all)")->capture_default_str();
  sub->footer(R"(Examples:
  certgate report /var/log/certgate/access.log --since 24h
  certgate report access.log.1 access.log --edge-file ips-v4 --edge-file ips-v6
  journalctl -u certgate -o cat | certgate report - --host www.example.com --json

"safe to enforce" only when the window has at least one request, none would be refused (except, with --edge
or --edge-file, from addresses outside the edge), no line is unreadable and no lines were dropped.
Exit status: 0 safe to enforce, 1 not safe to enforce, 2 bad option or a file that cannot be read.)");
  sub->callback([opts, exit_code] { *exit_code = run_report(*opts); });
}

}  // namespace certgate::cli
