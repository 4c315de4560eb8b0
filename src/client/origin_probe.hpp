#pragma once
// `certgate probe`: does an origin really enforce Authenticated Origin Pulls? It is asked the way a CDN
// edge would ask it, in scenarios: (1) no client certificate, (2) the edge's certificate, (3) an impostor
// (a fresh self-signed certificate with the edge's subject), (4) optionally the edge's certificate for
// another host name. ENFORCED only when (2) is admitted and (1) and (3) are refused.
//
// The scenarios are first sent over HTTP/1.1 (ALPN offers "http/1.1" only). Then one handshake with the edge
// certificate offering "h2", "http/1.1" (as an HTTP/2 edge does; no request) asks which protocol the origin
// selects. When it selects h2, the scenarios run again offering h2, http/1.1 (over HTTP/2), and that second
// pass is judged the same way: ENFORCED needs both passes enforced. Otherwise only HTTP/1.1 is checked; the
// report says what was selected.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "client/https_client.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::client {

// admitted: a complete HTTP response whose status is not a refusal (see classify_response).
// refused: a TLS failure or alert, a connection closed without a response, a response the client refuses
// (malformed, a head over its limit), or a refusal status.
// unreachable: no TCP connection. timed_out: no answer in time (neither admitted nor refused).
enum class ProbeOutcome { admitted, refused, unreachable, timed_out };
std::string_view to_string(ProbeOutcome outcome);  // "admitted", "refused", "unreachable", "timed_out"

struct ProbeTarget {
  std::string connect_host;  // where to connect (name or IP)
  int port = 443;
  std::string sni;           // "" = send none
  std::string host_header;
  std::string path = "/";
  std::vector<X509*> ca_certs;  // trust anchors for the origin's certificate; empty = it is not verified
  std::string verify_name;      // with ca_certs: the name or IP address the origin's certificate must cover
  std::chrono::milliseconds timeout{5000};
  std::string mismatch_name;  // "" = no scenario 4; otherwise its SNI and Host
};

struct ProbeIdentity {
  X509* cert = nullptr;  // the edge's certificate and key
  EVP_PKEY* key = nullptr;
  std::vector<X509*> chain;  // intermediates sent after it
};

struct Classification {
  ProbeOutcome outcome = ProbeOutcome::refused;
  std::string detail;      // "TLS alert certificate_required", "HTTP 403.7", "connection closed without a response"
  std::string cloudflare;  // what a Cloudflare visitor would see: "525 SSL handshake failed", "HTTP 403 passed through"
};

// The two passes: "http/1.1" (ALPN offers http/1.1 only), "h2" (ALPN offers h2, http/1.1; the request goes
// over what the origin selected, HTTP/2 when it selected h2).
inline constexpr std::string_view kHttp1Pass = "http/1.1";
inline constexpr std::string_view kH2Pass = "h2";

struct ScenarioResult {
  int number = 0;
  std::string pass{kHttp1Pass};
  std::string id;     // no_certificate | edge_certificate | impostor | other_host
  std::string label;  // "no client certificate", ...
  std::string sni;
  std::string host;
  HttpsResponse response;
  Classification result;
};

struct ProbeReport {
  std::vector<ScenarioResult> scenarios;
  bool enforced = false;
  std::vector<std::string> reasons;  // why NOT ENFORCED; empty when enforced
  std::vector<std::string> notes;    // scenario 4 and other remarks that do not change the verdict
  std::string origin_subject;        // the origin's certificate, as received
  bool origin_checked = false;       // a CA file was given
  bool origin_verified = false;
  std::string origin_error;          // why the origin's certificate did not verify
  std::string alpn;                  // what the origin selected when offered h2, http/1.1: "h2", "http/1.1", ""
  bool alpn_known = false;           // the handshake with that offer completed (otherwise `alpn` tells nothing)
  bool http2_checked = false;        // the origin selected h2: the "h2" pass is in `scenarios` and judged
};

// The refusal statuses: 401, 403, 421, 495, 496, and 400 when its body names an SSL certificate problem
// (nginx answers its 495/496 as 400 "The SSL certificate error" / "No required SSL certificate was sent").
// Any other complete response means the request got past the client-certificate check: admitted.
Classification classify_response(const HttpsResponse& response);

// Fills enforced, reasons and notes from the scenarios of both passes (pure; run_probe calls it).
void judge(ProbeReport& report);

// Throws std::invalid_argument when the target's requests could not be sent (a path or Host that
// request_head refuses), so that a caller can refuse it before connecting anywhere.
void check_target(const ProbeTarget& target);

// Runs every scenario in order against the target. Throws std::runtime_error if the impostor cannot be made.
ProbeReport run_probe(const ProbeTarget& target, const ProbeIdentity& edge);

}  // namespace certgate::client
