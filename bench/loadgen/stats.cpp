#include "loadgen/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace certgate::bench {
namespace {

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};

Percentiles percentiles(std::vector<std::uint32_t> values) {
  Percentiles p;
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  auto at = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return static_cast<double>(values[std::min(values.size(), std::max<std::size_t>(rank, 1)) - 1]);
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.p999 = at(0.999);
  p.max = static_cast<double>(values.back());
  p.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  return p;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string fmt(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

double per_second(std::uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

}  // namespace

void Stats::merge(Stats&& other) {
  requests += other.requests;
  requests_total += other.requests_total;
  non_200 += other.non_200;
  errors += other.errors;
  handshakes_full += other.handshakes_full;
  handshakes_resumed += other.handshakes_resumed;
  resume_misses += other.resume_misses;
  bytes_received += other.bytes_received;
  established += other.established;
  late_dispatches += other.late_dispatches;
  h2_not_negotiated += other.h2_not_negotiated;
  latency_us.insert(latency_us.end(), other.latency_us.begin(), other.latency_us.end());
  for (const auto& [status, n] : other.statuses) statuses[status] += n;
  for (const auto& [kind, n] : other.error_kinds) error_kinds[kind] += n;
}

bool run_counts(const Options& options, const Stats& stats) {
  if (stats.errors != 0 || stats.non_200 != 0) return false;
  if (options.mode == Mode::idle) return stats.established == static_cast<std::uint64_t>(options.connections);
  return stats.requests > 0;
}

std::string text_report(const Options& options, const Stats& stats, const RunInfo& info) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "mode %s%s, %d connection(s), %d thread(s), %s%s, path %s, %s %s\n",
                to_string(options.mode),
                options.http2 ? (" over HTTP/2 (" + std::to_string(options.streams) + " streams each)").c_str() : "",
                options.connections, options.threads,
                options.mode == Mode::idle ? ("hold " + fmt("%.1f", options.hold_s) + " s").c_str()
                                           : (fmt("%.1f", info.measured_s) + " s measured").c_str(),
                options.rate > 0 ? (", open loop at " + fmt("%.0f", options.rate) + " req/s").c_str() : "",
                options.path.c_str(), info.tls_version.c_str(), info.cipher.c_str());
  out += line;
  if (info.client_certificates > 1) {
    std::snprintf(line, sizeof line, "client certs  %zu in the pool, %zu presented (one per connection, round robin)\n",
                  info.client_certificates, info.client_certificates_used);
    out += line;
  }
  if (options.mode == Mode::idle) {
    std::snprintf(line, sizeof line, "established   %llu of %d in %.2f s\n",
                  static_cast<unsigned long long>(stats.established), options.connections, info.establish_s);
    out += line;
  } else {
    std::snprintf(line, sizeof line, "requests      %llu  (%.1f/s)\n", static_cast<unsigned long long>(stats.requests),
                  per_second(stats.requests, info.measured_s));
    out += line;
    std::snprintf(line, sizeof line, "handshakes    %llu full, %llu resumed  (%.1f/s; %llu resumption(s) refused)\n",
                  static_cast<unsigned long long>(stats.handshakes_full),
                  static_cast<unsigned long long>(stats.handshakes_resumed),
                  per_second(stats.handshakes_full + stats.handshakes_resumed, info.measured_s),
                  static_cast<unsigned long long>(stats.resume_misses));
    out += line;
    const Percentiles p = percentiles(stats.latency_us);
    std::snprintf(line, sizeof line, "latency (us)  p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f  mean %.0f\n",
                  p.p50, p.p90, p.p99, p.p999, p.max, p.mean);
    out += line;
  }
  if (options.http2) {
    std::snprintf(line, sizeof line, "alpn          %s%s\n", info.alpn.empty() ? "(none)" : info.alpn.c_str(),
                  stats.h2_not_negotiated > 0 ? "  -- h2 not negotiated" : "");
    out += line;
  }
  std::snprintf(line, sizeof line, "non-200       %llu\nerrors        %llu\n",
                static_cast<unsigned long long>(stats.non_200), static_cast<unsigned long long>(stats.errors));
  out += line;
  for (const auto& [kind, n] : stats.error_kinds) {
    out += "  " + std::to_string(n) + " x " + kind + "\n";
  }
  std::snprintf(line, sizeof line, "client cpu    %.2f s (%.0f%% of one core)\n", info.client_cpu_s,
                info.measured_s > 0 ? 100.0 * info.client_cpu_s / info.measured_s : 0.0);
  out += line;
  out += run_counts(options, stats) ? "result        counts\n" : "result        DOES NOT COUNT\n";
  return out;
}

std::string json_report(const Options& options, const Stats& stats, const RunInfo& info) {
  const Percentiles p = percentiles(stats.latency_us);
  const auto u = [](std::uint64_t v) { return std::to_string(v); };
  std::string out = "{";
  out += "\"mode\":" + json_string(to_string(options.mode));
  out += ",\"connections\":" + std::to_string(options.connections);
  out += ",\"threads\":" + std::to_string(options.threads);
  out += ",\"duration_s\":" + fmt("%.3f", info.measured_s);
  out += ",\"rate\":" + fmt("%.1f", options.rate);
  out += ",\"path\":" + json_string(options.path);
  out += ",\"http2\":" + std::string(options.http2 ? "true" : "false");
  out += ",\"streams\":" + std::to_string(options.http2 ? options.streams : 1);
  out += ",\"alpn\":" + json_string(info.alpn);
  out += ",\"h2_not_negotiated\":" + u(stats.h2_not_negotiated);
  out += ",\"tls_version\":" + json_string(info.tls_version);
  out += ",\"cipher\":" + json_string(info.cipher);
  out += ",\"group\":" + json_string(info.group);
  out += ",\"client_certificates\":" + u(info.client_certificates);
  out += ",\"client_certificates_used\":" + u(info.client_certificates_used);
  out += ",\"requests\":" + u(stats.requests);
  out += ",\"requests_total\":" + u(stats.requests_total);
  out += ",\"requests_per_s\":" + fmt("%.1f", per_second(stats.requests, info.measured_s));
  out += ",\"handshakes_full\":" + u(stats.handshakes_full);
  out += ",\"handshakes_resumed\":" + u(stats.handshakes_resumed);
  out += ",\"handshakes_per_s\":" +
         fmt("%.1f", per_second(stats.handshakes_full + stats.handshakes_resumed, info.measured_s));
  out += ",\"full_handshakes_per_s\":" + fmt("%.1f", per_second(stats.handshakes_full, info.measured_s));
  out += ",\"resumed_handshakes_per_s\":" + fmt("%.1f", per_second(stats.handshakes_resumed, info.measured_s));
  out += ",\"resume_misses\":" + u(stats.resume_misses);
  out += ",\"bytes_received\":" + u(stats.bytes_received);
  out += ",\"latency_us\":{\"p50\":" + fmt("%.0f", p.p50) + ",\"p90\":" + fmt("%.0f", p.p90) +
         ",\"p99\":" + fmt("%.0f", p.p99) + ",\"p999\":" + fmt("%.0f", p.p999) + ",\"max\":" + fmt("%.0f", p.max) +
         ",\"mean\":" + fmt("%.1f", p.mean) + "}";
  out += ",\"late_dispatches\":" + u(stats.late_dispatches);
  out += ",\"established\":" + u(stats.established);
  out += ",\"establish_s\":" + fmt("%.3f", info.establish_s);
  out += ",\"non_200\":" + u(stats.non_200);
  out += ",\"statuses\":{";
  bool first = true;
  for (const auto& [status, n] : stats.statuses) {
    out += first ? "\"" : ",\"";
    out += std::to_string(status);
    out += "\":";
    out += u(n);
    first = false;
  }
  out += "},\"errors\":" + u(stats.errors);
  out += ",\"error_kinds\":{";
  first = true;
  for (const auto& [kind, n] : stats.error_kinds) {
    if (!first) out += ",";
    out += json_string(kind);
    out += ":";
    out += u(n);
    first = false;
  }
  out += "},\"client_cpu_s\":" + fmt("%.3f", info.client_cpu_s);
  out += ",\"client_cpu_util\":" + fmt("%.3f", info.measured_s > 0 ? info.client_cpu_s / info.measured_s : 0.0);
  out += ",\"ok\":" + std::string(run_counts(options, stats) ? "true" : "false");
  out += "}\n";
  return out;
}

}  // namespace certgate::bench
