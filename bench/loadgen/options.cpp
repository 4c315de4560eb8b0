#include "loadgen/options.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace certgate::bench {
namespace {

constexpr const char* kUsage = R"(usage: loadgen --connect 127.0.0.1:PORT --mode MODE [options]

Loads an HTTPS server on this machine with client-certificate (mTLS) connections and reports
requests/s, handshakes/s, latency percentiles, errors and non-200 answers. A run counts only when it had
no error and every answer was 200: otherwise the exit status is 1.

  --connect ADDR:PORT   server address, loopback only (127.0.0.0/8 or [::1])  [127.0.0.1:8443]
  --mode MODE           full | resume | keepalive | idle                      [keepalive]
                          full       new connection + full handshake per request
                          resume     new connection per request, resuming the previous session
                          keepalive  many requests per connection
                          idle       open N connections (one request each) and hold them
  --connections N       concurrent connections                               [16]
  --threads T           event-loop threads (connections are split among them) [1]
  --duration S          measured seconds                                      [5]
  --warmup S            seconds run before measuring (not counted)            [0]
  --rate R              open loop: R requests/s in total, latency measured from the
                        scheduled start (no coordinated omission); 0 = closed loop  [0]
  --path P              request path                                          [/]
  --sni NAME            TLS server name                                       [localhost]
  --host NAME           Host header                                           [the SNI name]
  --cert PEM --key PEM  client certificate (chain) and key, presented on every connection
  --cert-pool DIR       a pool of client certificates instead of --cert: every DIR/*.pem
                        (leaf first, then its chain), sorted by name; the key of X.pem is
                        X.key, or the --key file when there is none (one key for all).
                        Each new connection presents the next certificate of the pool,
                        round robin over all threads, so a pool of N gives N distinct
                        certificates in turn (N = 1: the same one on every connection)
  --ca PEM              verify the server certificate against this CA (default: not verified)
  --tls12               TLS 1.2 only (default: TLS 1.3 preferred)
  --hold S              idle: seconds to hold the connections once established [5]
  --ready-file FILE     idle: written once every connection is established
  --timeout S           a busy connection without progress this long is an error [10]
  --http2               keepalive over HTTP/2: ALPN offers h2 and http/1.1, a connection
                        whose server does not select h2 is an error ("h2 not negotiated"),
                        each connection keeps --streams GET streams in flight
  --streams M           HTTP/2: concurrent streams per connection (closed loop)  [10]
  --json                print the report as JSON
)";

bool parse_number(const char* text, double& out) {
  char* end = nullptr;
  out = std::strtod(text, &end);
  return end != text && *end == '\0' && std::isfinite(out);
}

bool parse_loopback(const std::string& text, Options& options, std::string& error) {
  std::string host;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "expected [::1]:PORT";
      return false;
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
      error = "expected ADDRESS:PORT";
      return false;
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  double port = 0;
  if (!parse_number(port_text.c_str(), port) || port < 1 || port > 65535 || port != std::floor(port)) {
    error = "bad port '" + port_text + "'";
    return false;
  }
  std::memset(&options.address, 0, sizeof(options.address));
  auto* v4 = reinterpret_cast<sockaddr_in*>(&options.address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&options.address);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127) {
      error = "'" + host + "' is not a loopback address (127.0.0.0/8)";
      return false;
    }
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    options.address_len = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) {
      error = "'" + host + "' is not the loopback address ::1";
      return false;
    }
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    options.address_len = sizeof(sockaddr_in6);
    return true;
  }
  error = "'" + host + "' is not a numeric loopback address";
  return false;
}

bool parse_mode(std::string_view text, Mode& mode) {
  if (text == "full") mode = Mode::full;
  else if (text == "resume") mode = Mode::resume;
  else if (text == "keepalive") mode = Mode::keepalive;
  else if (text == "idle") mode = Mode::idle;
  else return false;
  return true;
}

}  // namespace

const char* to_string(Mode mode) {
  switch (mode) {
    case Mode::full: return "full";
    case Mode::resume: return "resume";
    case Mode::keepalive: return "keepalive";
    case Mode::idle: return "idle";
  }
  return "?";
}

bool parse_options(int argc, char** argv, Options& options, int& exit_code) {
  auto bad = [&](const std::string& message) {
    std::fprintf(stderr, "loadgen: %s\n(see loadgen --help)\n", message.c_str());
    exit_code = 2;
    return false;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      exit_code = 0;
      return false;
    }
    if (arg == "--tls12") { options.tls12 = true; continue; }
    if (arg == "--json") { options.json = true; continue; }
    if (arg == "--http2") { options.http2 = true; continue; }
    if (i + 1 >= argc) return bad("option " + std::string(arg) + " needs a value (or is unknown)");
    const char* value = argv[++i];
    double number = 0;
    auto numeric = [&](double min, double max, bool integer) {
      if (!parse_number(value, number) || number < min || number > max || (integer && number != std::floor(number))) {
        bad(std::string(arg) + ": '" + value + "' is not " + (integer ? "an integer" : "a number") + " in " +
            std::to_string(min) + ".." + std::to_string(max));
        return false;
      }
      return true;
    };
    if (arg == "--connect") {
      options.connect = value;
    } else if (arg == "--mode") {
      if (!parse_mode(value, options.mode)) return bad("--mode: expected full, resume, keepalive or idle");
    } else if (arg == "--connections") {
      if (!numeric(1, 100000, true)) return false;
      options.connections = static_cast<int>(number);
    } else if (arg == "--threads") {
      if (!numeric(1, 64, true)) return false;
      options.threads = static_cast<int>(number);
    } else if (arg == "--duration") {
      if (!numeric(0.01, 3600, false)) return false;
      options.duration_s = number;
    } else if (arg == "--warmup") {
      if (!numeric(0, 3600, false)) return false;
      options.warmup_s = number;
    } else if (arg == "--rate") {
      if (!numeric(0, 10'000'000, false)) return false;
      options.rate = number;
    } else if (arg == "--streams") {
      if (!numeric(1, 1000, true)) return false;
      options.streams = static_cast<int>(number);
    } else if (arg == "--hold") {
      if (!numeric(0, 3600, false)) return false;
      options.hold_s = number;
    } else if (arg == "--timeout") {
      if (!numeric(0.1, 3600, false)) return false;
      options.timeout_s = number;
    } else if (arg == "--path") {
      options.path = value;
      if (options.path.empty() || options.path.front() != '/' ||
          options.path.find_first_of(" \r\n") != std::string::npos) {
        return bad("--path must start with '/' and contain no spaces or line breaks");
      }
    } else if (arg == "--host") {
      options.host = value;
    } else if (arg == "--sni") {
      options.sni = value;
    } else if (arg == "--cert") {
      options.cert = value;
    } else if (arg == "--cert-pool") {
      options.cert_pool = value;
    } else if (arg == "--key") {
      options.key = value;
    } else if (arg == "--ca") {
      options.ca = value;
    } else if (arg == "--ready-file") {
      options.ready_file = value;
    } else {
      return bad("unknown option " + std::string(arg));
    }
  }
  std::string error;
  if (!parse_loopback(options.connect, options, error)) return bad("--connect: " + error);
  if (!options.cert_pool.empty() && !options.cert.empty()) return bad("--cert-pool replaces --cert: give one");
  if (options.cert_pool.empty() && options.cert.empty() != options.key.empty()) {
    return bad("--cert and --key go together");
  }
  if (options.host.empty()) options.host = options.sni.empty() ? "localhost" : options.sni;
  if (options.host.find_first_of(" \r\n") != std::string::npos) return bad("--host: no spaces or line breaks");
  if (options.threads > options.connections) options.threads = options.connections;
  if (options.mode == Mode::idle && options.rate > 0) return bad("--rate does not apply to --mode idle");
  if (options.http2 && options.mode != Mode::keepalive) return bad("--http2 goes with --mode keepalive");
  if (options.http2 && options.rate > 0) return bad("--http2 is a closed loop: --rate does not apply");
  return true;
}

}  // namespace certgate::bench
