#include "cli/probe.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/config_flags.hpp"
#include "client/origin_probe.hpp"
#include "config/load.hpp"
#include "core/host_port.hpp"
#include "tls/cert_loader.hpp"
#include "tls/digest.hpp"

namespace certgate::cli {
namespace {

constexpr const char* kMismatchName = "probe-mismatch.invalid";

struct ProbeOptions {
  std::string url;
  std::string cert;
  std::string key;
  std::string password;
  std::string ca;
  std::string sni;
  std::string connect;
  std::string timeout = "5s";
  bool json = false;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HostPort {
  std::string host;  // without brackets
  int port = 0;      // 0 = not given
};

bool is_ip(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// "name", "name:443", "1.2.3.4:443", "[::1]:443", "[::1]", "::1" (a bare IPv6 address has no port).
HostPort parse_host_port(const std::string& text, const std::string& what) {
  auto parsed = core::parse_host_port(text, {core::PortRule::optional, true});
  if (!parsed) throw UsageError(what + ": '" + text + "': " + parsed.error);
  return HostPort{parsed.value->host, parsed.value->port.value_or(0)};
}

struct ParsedUrl {
  HostPort authority;
  std::string authority_text;  // as written: the Host header
  std::string path;
};

ParsedUrl parse_url(const std::string& url) {
  std::string lowered = url.substr(0, 8);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lowered.rfind("http://", 0) == 0) {
    throw UsageError("'" + url + "': probe tests client certificates, which need TLS: use https://");
  }
  if (lowered != "https://") throw UsageError("'" + url + "' is not an https:// URL");
  std::string rest = url.substr(8);
  std::size_t end = rest.find_first_of("/?#");
  ParsedUrl out;
  out.authority_text = rest.substr(0, end);
  if (out.authority_text.find('@') != std::string::npos) throw UsageError("'" + url + "': user information is not supported");
  out.authority = parse_host_port(out.authority_text, "URL");
  if (out.authority.port == 0) out.authority.port = 443;
  out.path = end == std::string::npos ? "/" : rest.substr(end);
  if (auto hash = out.path.find('#'); hash != std::string::npos) out.path.resize(hash);
  if (out.path.empty() || out.path.front() == '?') out.path = "/" + out.path;
  return out;
}

struct Edge {
  tls::CertBundle bundle;
  tls::EvpPkeyPtr key;
};

Edge load_edge(const ProbeOptions& opts) {
  Edge edge;
  edge.bundle = tls::load_cert_bundle(opts.cert, opts.password);
  if (!opts.key.empty()) {
    edge.key = tls::load_private_key(opts.key, opts.password);
  } else if (edge.bundle.key) {
    edge.key = std::move(edge.bundle.key);
  } else {
    throw UsageError("--key is required (" + opts.cert + " holds no private key)");
  }
  if (X509_check_private_key(edge.bundle.certs.front().get(), edge.key.get()) != 1) {
    tls::take_openssl_errors();
    throw UsageError("the key " + (opts.key.empty() ? opts.cert : opts.key) + " does not match the certificate " +
                     opts.cert);
  }
  return edge;
}

std::string bracketed(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

std::string ms(double value) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(value < 10 ? 1 : 0) << value << " ms";
  return out.str();
}

std::string tcp_cell(const client::HttpsResponse& r) {
  if (r.tcp_ok) return "ok";
  if (r.timed_out) return "timed out";
  return r.tcp_error.find("refused") != std::string::npos ? "refused" : "error";
}

std::string tls_cell(const client::HttpsResponse& r) {
  if (!r.tcp_ok) return "-";
  if (!r.alert.empty()) return "alert " + r.alert;
  if (!r.tls_ok) return r.timed_out ? "timed out" : "failed";
  return "ok " + r.protocol;
}

std::string alpn_cell(const client::HttpsResponse& r) {
  if (r.protocol.empty()) return "-";  // no handshake: nothing was selected
  return r.alpn.empty() ? "none" : r.alpn;
}

// What the origin selected when offered h2, http/1.1, and what the probe did with it.
std::string alpn_line(const client::ProbeReport& report) {
  if (!report.alpn_known) return "unknown (the handshake offering h2, http/1.1 did not complete): HTTP/1.1 only";
  std::string out = "the origin selects " + (report.alpn.empty() ? std::string("none") : report.alpn) +
                    " when offered h2, http/1.1: ";
  if (!report.http2_checked) return out + "HTTP/1.1 only";
  int first = 0, last = 0, first_h1 = 0, last_h1 = 0;
  for (const auto& s : report.scenarios) {
    int& lo = s.pass == client::kH2Pass ? first : first_h1;
    int& hi = s.pass == client::kH2Pass ? last : last_h1;
    if (lo == 0) lo = s.number;
    hi = s.number;
  }
  return out + "scenarios " + std::to_string(first) + "-" + std::to_string(last) + " repeat " +
         std::to_string(first_h1) + "-" + std::to_string(last_h1) + " over HTTP/2";
}

std::string http_cell(const client::ScenarioResult& s) {
  if (!s.response.http_ok) return "-";
  std::string detail = s.result.detail;  // "HTTP 403.7 (...)"
  detail = detail.substr(5);
  return detail.substr(0, detail.find(' '));
}

// "timed_out" -> "timed out" for the table.
std::string words(std::string_view id) {
  std::string out(id);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string pad(const std::string& text, std::size_t width) {
  // Column widths count bytes; the cells are ASCII except for names, which come last.
  return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
}

void print_text(const client::ProbeReport& report, const client::ProbeTarget& target, const ProbeOptions& opts,
                const core::CertDigest& edge) {
  std::cout << "certgate probe " << opts.url << "\n"
            << "  connect " << bracketed(target.connect_host) << ":" << target.port
            << "   SNI " << (target.sni.empty() ? "(none)" : target.sni) << "   Host " << target.host_header
            << "   timeout " << opts.timeout << "\n"
            << "  edge certificate:   " << edge.subject.rfc4514 << " (issuer " << edge.issuer.rfc4514 << ")\n"
            << "  origin certificate: " << (report.origin_subject.empty() ? "(none received)" : report.origin_subject)
            << (!report.origin_checked      ? " (not verified)"
                : report.origin_verified    ? " (verified against --ca)"
                                            : " (does NOT verify against --ca: " + report.origin_error + ")")
            << "\n"
            << "  ALPN: " << alpn_line(report) << "\n\n";
  std::vector<std::vector<std::string>> rows = {
      {"#", "scenario", "TCP", "TLS", "ALPN", "HTTP", "time", "result", "a Cloudflare visitor would see"}};
  for (const auto& s : report.scenarios) {
    rows.push_back({std::to_string(s.number), s.label, tcp_cell(s.response), tls_cell(s.response),
                    alpn_cell(s.response), http_cell(s), ms(s.response.elapsed_ms),
                    words(client::to_string(s.result.outcome)), s.result.cloudflare});
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) line += "  " + (i + 1 < row.size() ? pad(row[i], width[i]) : row[i]);
    std::cout << line << "\n";
  }
  std::cout << "\n";
  for (const auto& s : report.scenarios) {
    const bool not_admitted = s.result.outcome != client::ProbeOutcome::admitted;
    if (not_admitted && !s.response.tls_error.empty() && s.response.alert.empty()) {
      std::cout << "  (" << s.number << ") TLS: " << s.response.tls_error << "\n";
    }
    if (!s.response.tcp_ok) std::cout << "  (" << s.number << ") TCP: " << s.response.tcp_error << "\n";
  }
  if (report.enforced) {
    std::cout << "verdict: ENFORCED: the edge certificate is admitted; requests without a certificate and with an "
                 "impostor certificate are refused"
              << (report.http2_checked ? ", over HTTP/1.1 and over HTTP/2" : "") << ".\n";
  } else {
    std::cout << "verdict: NOT ENFORCED\n";
    for (const auto& reason : report.reasons) std::cout << "  - " << reason << "\n";
  }
  for (const auto& note : report.notes) std::cout << "note: " << note << "\n";
}

nlohmann::json to_json(const client::ProbeReport& report, const client::ProbeTarget& target, const ProbeOptions& opts,
                       const core::CertDigest& edge) {
  using nlohmann::json;
  json scenarios = json::array();
  for (const auto& s : report.scenarios) {
    const client::HttpsResponse& r = s.response;
    scenarios.push_back({
        {"number", s.number},
        {"id", s.id},
        {"label", s.label},
        {"pass", s.pass},
        {"sni", s.sni.empty() ? json(nullptr) : json(s.sni)},
        {"host", s.host},
        {"tcp", {{"ok", r.tcp_ok}, {"error", r.tcp_error}}},
        {"tls",
         {{"ok", r.tls_ok},
          {"version", r.protocol},
          {"alpn", r.protocol.empty() || r.alpn.empty() ? json(nullptr) : json(r.alpn)},
          {"alert", r.alert},
          {"error", r.tls_error}}},
        {"http_status", r.http_ok ? json(r.status) : json(nullptr)},
        {"elapsed_ms", r.elapsed_ms},
        {"timed_out", r.timed_out},
        {"outcome", client::to_string(s.result.outcome)},
        {"detail", s.result.detail},
        {"cloudflare", s.result.cloudflare},
    });
  }
  return {
      {"url", opts.url},
      {"connect", {{"host", target.connect_host}, {"port", target.port}}},
      {"sni", target.sni.empty() ? json(nullptr) : json(target.sni)},
      {"host", target.host_header},
      {"timeout_ms", target.timeout.count()},
      {"edge_certificate", {{"subject", edge.subject.rfc4514}, {"issuer", edge.issuer.rfc4514}}},
      {"origin_certificate",
       {{"subject", report.origin_subject},
        {"checked", report.origin_checked},
        {"verified", report.origin_checked ? json(report.origin_verified) : json(nullptr)},
        {"error", report.origin_error}}},
      {"alpn",
       {{"offered", {"h2", "http/1.1"}},
        {"known", report.alpn_known},
        {"selected", report.alpn_known && !report.alpn.empty() ? json(report.alpn) : json(nullptr)},
        {"http2_checked", report.http2_checked}}},
      {"scenarios", scenarios},
      {"verdict", report.enforced ? "ENFORCED" : "NOT ENFORCED"},
      {"enforced", report.enforced},
      {"reasons", report.reasons},
      {"notes", report.notes},
  };
}

int run_probe(const ProbeOptions& opts) {
  client::ProbeTarget target;
  Edge edge;
  tls::CertBundle anchors;
  try {
    ParsedUrl url = parse_url(opts.url);
    target.path = url.path;
    target.connect_host = url.authority.host;
    target.port = url.authority.port;
    if (!opts.connect.empty()) {
      HostPort connect = parse_host_port(opts.connect, "--connect");
      target.connect_host = connect.host;
      if (connect.port != 0) target.port = connect.port;
    }
    // An edge sends the origin's host name as SNI; an IP address is never sent as SNI (RFC 6066).
    target.sni = is_ip(url.authority.host) ? "" : url.authority.host;
    target.host_header = url.authority_text;
    if (!opts.sni.empty()) {
      // --sni is both the SNI and the Host: a name (or address) without a port.
      HostPort sni = parse_host_port(opts.sni, "--sni");
      if (sni.port != 0) throw UsageError("--sni: '" + opts.sni + "': a port is not allowed here (give it in the URL)");
      target.sni = sni.host;
      target.host_header = bracketed(sni.host);
      target.mismatch_name = kMismatchName;
    }
    auto timeout = config::parse_duration(opts.timeout);
    if (!timeout || timeout->count() <= 0) {
      throw UsageError("--timeout: '" + opts.timeout + "' is not a duration (e.g. 5s, 500ms)");
    }
    target.timeout = *timeout;
    if (!opts.ca.empty()) {
      // Loaded here, in any format: a bad --ca is the operator's error, not the origin's.
      anchors = tls::load_cert_bundle(opts.ca);
      for (const auto& anchor : anchors.certs) target.ca_certs.push_back(anchor.get());
      target.verify_name = !opts.sni.empty() ? target.sni : url.authority.host;
    }
    client::check_target(target);  // a path that cannot be sent is the operator's error too
    edge = load_edge(opts);
  } catch (const std::exception& e) {
    std::cerr << "certgate probe: " << e.what() << "\n";
    if (opts.json) std::cout << nlohmann::json{{"error", e.what()}}.dump(2) << "\n";
    return kExitUsage;
  }

  client::ProbeIdentity identity;
  identity.cert = edge.bundle.certs.front().get();
  identity.key = edge.key.get();
  for (std::size_t i = 1; i < edge.bundle.certs.size(); ++i) identity.chain.push_back(edge.bundle.certs[i].get());
  client::ProbeReport report;
  try {
    report = client::run_probe(target, identity);
  } catch (const std::exception& e) {
    std::cerr << "certgate probe: " << e.what() << "\n";
    return kExitUsage;
  }
  core::CertDigest digest = tls::digest_of(identity.cert);
  if (opts.json) {
    std::cout << to_json(report, target, opts, digest).dump(2) << "\n";
  } else {
    print_text(report, target, opts, digest);
  }
  bool origin_ok = !report.origin_checked || report.origin_verified;
  return report.enforced && origin_ok ? kExitOk : kExitFinding;
}

}  // namespace

void register_probe(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<ProbeOptions>();
  CLI::App* sub = app.add_subcommand("probe", "test an origin as a CDN edge would: is Authenticated Origin Pulls enforced?");
  sub->footer(R"(Scenarios: (1) no client certificate, (2) the edge certificate, (3) an impostor: a fresh self-signed
certificate with the edge certificate's subject, (4) with --sni only: the edge certificate with SNI and Host
probe-mismatch.invalid (informational). ENFORCED when (2) is admitted and (1) and (3) are refused.
The scenarios are sent over HTTP/1.1 (ALPN http/1.1); then one handshake offering ALPN h2, http/1.1 asks what
the origin selects: when it selects h2, they are repeated over HTTP/2 and ENFORCED needs both passes enforced.
Refused = a TLS alert or handshake failure, a connection closed without a response, an answer that is not
HTTP, or HTTP 401, 403, 421, 495, 496, or 400 naming an SSL certificate error (nginx). Any other HTTP
response = admitted.

Examples:
  certgate probe https://origin.example.com/ --cert cloudflare-aop.pem --key cloudflare-aop.key
  certgate probe https://www.example.com/health --connect 203.0.113.10 --cert edge.pem --key edge.key \
                 --ca origin-ca.pem
  certgate probe https://203.0.113.10:8443/ --sni www.example.com --cert edge.p12 --password secret --json

Exit status: 0 ENFORCED, 1 NOT ENFORCED (or, with --ca, the origin's certificate does not verify),
2 usage or input error.)");
  sub->add_option("url", opts->url, "https://origin[:port]/path")->required();
  sub->add_option("--cert", opts->cert, "the edge's client certificate (PEM, DER, IIS blob or PKCS#12; chain may follow)")
      ->required();
  sub->add_option("--key", opts->key, "its private key (PEM or DER; not needed with PKCS#12)");
  sub->add_option("--password", opts->password, "password of the key or PKCS#12 file");
  sub->add_option("--ca", opts->ca, "verify the origin's certificate against these trust anchors (PEM, DER, PKCS#12)");
  sub->add_option("--sni", opts->sni, "SNI and Host to send (default: the URL's host); also runs scenario 4");
  sub->add_option("--connect", opts->connect, "connect to ADDR[:PORT] instead of the URL's host (like curl --connect-to)");
  sub->add_option("--timeout", opts->timeout, "per scenario: 5s, 500ms, ...")->capture_default_str();
  sub->add_flag("--json", opts->json, "machine-readable report (fields in docs/tools.md)");
  sub->callback([opts, exit_code] { *exit_code = run_probe(*opts); });
}

}  // namespace certgate::cli
