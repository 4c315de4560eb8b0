#include "client/origin_probe.hpp"

#include <algorithm>
#include <cctype>

#include "tls/pki_generator.hpp"
#include "tls/tls_client.hpp"

namespace certgate::client {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "403.16" when an IIS-style body starts with the status and a substatus (certgate, IIS detailed errors).
std::string status_text(const HttpsResponse& response) {
  std::string status = std::to_string(response.status);
  const std::string& body = response.body;
  if (body.size() > status.size() + 1 && body.compare(0, status.size(), status) == 0 && body[status.size()] == '.') {
    std::size_t end = status.size() + 1;
    while (end < body.size() && end < status.size() + 4 && std::isdigit(static_cast<unsigned char>(body[end]))) ++end;
    if (end > status.size() + 1) return body.substr(0, end);
  }
  return status;
}

bool names_certificate_error(const HttpsResponse& response) {
  return lower(response.body.substr(0, 4096)).find("ssl certificate") != std::string::npos;
}

bool is_refusal_status(const HttpsResponse& response) {
  switch (response.status) {
    case 401: case 403: case 421: case 495: case 496: return true;
    case 400: return names_certificate_error(response);
    default: return false;
  }
}

const ScenarioResult* find(const ProbeReport& report, std::string_view id, std::string_view pass) {
  for (const auto& s : report.scenarios) {
    if (s.id == id && s.pass == pass) return &s;
  }
  return nullptr;
}

// "(5) no client certificate over HTTP/2": the pass is named for the h2 pass only.
std::string numbered(const ScenarioResult& s) {
  std::string out = "(" + std::to_string(s.number) + ") " + s.label;
  if (s.pass == kH2Pass) out += s.response.alpn == "h2" ? " over HTTP/2" : " offering h2";
  return out;
}

// A scenario that must be refused: why it counts against the verdict, or "" when it was refused.
std::string must_be_refused(const ScenarioResult& s, std::string_view consequence) {
  switch (s.result.outcome) {
    case ProbeOutcome::refused: return {};
    case ProbeOutcome::admitted: return numbered(s) + " is admitted (" + s.result.detail + "): " + std::string(consequence);
    case ProbeOutcome::timed_out:
      return numbered(s) + " timed out (" + s.result.detail + "): cannot tell whether the origin refuses it; retry "
             "with a longer --timeout";
    case ProbeOutcome::unreachable: return numbered(s) + " could not connect (" + s.result.detail + ")";
  }
  return {};
}

HttpsRequest scenario_request(const ProbeTarget& target, const std::string& sni, const std::string& host, X509* cert,
                              EVP_PKEY* key, const std::vector<X509*>& chain, std::string_view pass) {
  HttpsRequest request;
  if (pass == kH2Pass) {
    request.alpn = {"h2", "http/1.1"};
  } else {
    request.alpn = {"http/1.1"};
  }
  request.connect_host = target.connect_host;
  request.port = target.port;
  request.sni = sni;
  request.host_header = host;
  request.path = target.path;
  request.ca_certs = target.ca_certs;
  request.verify_name = target.verify_name;
  request.verify_continue = true;  // the origin's certificate is reported, not a reason to stop
  request.client_cert = cert;
  request.client_key = key;
  request.client_chain = chain;
  request.timeout = target.timeout;
  return request;
}

ScenarioResult run_one(std::string_view pass, int number, std::string id, std::string label, const ProbeTarget& target,
                       const std::string& sni, const std::string& host, X509* cert, EVP_PKEY* key,
                       const std::vector<X509*>& chain) {
  ScenarioResult out;
  out.pass = std::string(pass);
  out.number = number;
  out.id = std::move(id);
  out.label = std::move(label);
  out.sni = sni;
  out.host = host;
  out.response = https_request(scenario_request(target, sni, host, cert, key, chain, pass));
  out.result = classify_response(out.response);
  return out;
}

}  // namespace

std::string_view to_string(ProbeOutcome outcome) {
  switch (outcome) {
    case ProbeOutcome::admitted: return "admitted";
    case ProbeOutcome::refused: return "refused";
    case ProbeOutcome::unreachable: return "unreachable";
    case ProbeOutcome::timed_out: return "timed_out";
  }
  return "unknown";
}

Classification classify_response(const HttpsResponse& r) {
  Classification c;
  // A complete response head counts even if the body then stalled, broke off or was over the client's limit.
  if (r.http_ok) {
    std::string status = status_text(r);
    if (is_refusal_status(r)) {
      c.outcome = ProbeOutcome::refused;
      c.detail = "HTTP " + status + (r.status == 400 ? " (client certificate error)" : "");
      c.cloudflare = "HTTP " + std::to_string(r.status) + " passed through";
    } else {
      c.outcome = ProbeOutcome::admitted;
      c.detail = "HTTP " + status;
      c.cloudflare = "the origin's response (HTTP " + std::to_string(r.status) + ")";
    }
    return c;
  }
  if (!r.tcp_ok) {
    if (r.timed_out) {
      c.outcome = ProbeOutcome::timed_out;
      c.detail = "TCP connect timed out";
      c.cloudflare = "522 Connection timed out";
    } else {
      c.outcome = ProbeOutcome::unreachable;
      c.detail = "TCP: " + r.tcp_error;
      c.cloudflare = r.tcp_error.find("resolve") != std::string::npos ? "530 (1016 origin DNS error)"
                                                                       : "521 Web server is down";
    }
    return c;
  }
  if (!r.tls_ok) {
    if (r.timed_out) {
      c.outcome = ProbeOutcome::timed_out;
      c.detail = "TLS handshake timed out";
      c.cloudflare = "522 Connection timed out";
    } else {
      c.outcome = ProbeOutcome::refused;
      c.detail = !r.alert.empty() ? "TLS alert " + r.alert : "TLS failed: " + r.tls_error;
      c.cloudflare = "525 SSL handshake failed";
    }
    return c;
  }
  if (r.timed_out) {
    c.outcome = ProbeOutcome::timed_out;
    c.detail = "no HTTP response in time";
    c.cloudflare = "524 A timeout occurred";
    return c;
  }
  c.outcome = ProbeOutcome::refused;
  if (r.alpn == "h2" && !r.empty_reply && !r.http_error.empty()) {
    c.detail = "HTTP/2: " + r.http_error;  // "HTTP/2: stream reset by the server: REFUSED_STREAM"
    c.cloudflare = "520 Web server is returning an unknown error";
    return c;
  }
  c.detail = r.empty_reply          ? "connection closed without a response"
             : r.http_error.empty() ? "not an HTTP response"
                                    : "not an HTTP response: " + r.http_error;
  c.cloudflare = "520 Web server is returning an unknown error";
  return c;
}

namespace {

// One pass: its reasons and notes are added; whether it is enforced.
bool judge_pass(ProbeReport& report, std::string_view pass) {
  const ScenarioResult* none = find(report, "no_certificate", pass);
  const ScenarioResult* edge = find(report, "edge_certificate", pass);
  const ScenarioResult* impostor = find(report, "impostor", pass);
  const ScenarioResult* other = find(report, "other_host", pass);
  const std::size_t reasons_before = report.reasons.size();
  if (edge && edge->result.outcome != ProbeOutcome::admitted) {
    report.reasons.push_back(numbered(*edge) + " is not admitted (" + edge->result.detail +
                             "): the CDN's own requests would fail too (" + edge->result.cloudflare + ")");
  }
  if (none) {
    if (auto why = must_be_refused(*none, "anyone who finds the origin's address can bypass the CDN"); !why.empty()) {
      report.reasons.push_back(why);
    }
  }
  if (impostor) {
    if (auto why = must_be_refused(*impostor, "the origin does not verify who issued the certificate"); !why.empty()) {
      report.reasons.push_back(why);
    }
  }
  const bool enforced = none && edge && impostor && report.reasons.size() == reasons_before;

  if (other) {
    if (other->result.outcome == ProbeOutcome::admitted) {
      report.notes.push_back(numbered(*other) + " is admitted too (" + other->result.detail +
                             "): the origin does not tie the certificate to a host name (informational)");
    } else {
      std::string outcome(to_string(other->result.outcome));
      std::replace(outcome.begin(), outcome.end(), '_', ' ');
      report.notes.push_back(numbered(*other) + " is " + outcome + " (" +
                             other->result.detail + ") (informational)");
    }
  }
  return enforced;
}

}  // namespace

void judge(ProbeReport& report) {
  report.reasons.clear();
  report.notes.clear();
  const bool http1 = judge_pass(report, kHttp1Pass);
  const bool http2 = !report.http2_checked || judge_pass(report, kH2Pass);
  report.enforced = http1 && http2;
  if (!report.origin_checked) {
    report.notes.push_back("the origin's certificate was not verified (no --ca); give --ca to check it as Cloudflare's "
                           "Full (strict) mode does");
  } else if (!report.origin_verified && !report.origin_subject.empty()) {
    report.notes.push_back("the origin's certificate does not verify against --ca (" + report.origin_error +
                           "): Cloudflare in Full (strict) mode would answer 526 Invalid SSL certificate");
  }
}

void check_target(const ProbeTarget& target) {
  request_head(scenario_request(target, target.sni, target.host_header, nullptr, nullptr, {}, kHttp1Pass));
  if (!target.mismatch_name.empty()) {
    request_head(scenario_request(target, target.mismatch_name, target.mismatch_name, nullptr, nullptr, {}, kHttp1Pass));
  }
}

namespace {

// The scenarios of one pass, numbered from `first`.
std::vector<ScenarioResult> run_pass(std::string_view pass, int first, const ProbeTarget& target,
                                     const ProbeIdentity& edge, const tls::Issued& impostor) {
  std::vector<ScenarioResult> out;
  out.push_back(run_one(pass, first, "no_certificate", "no client certificate", target, target.sni,
                        target.host_header, nullptr, nullptr, {}));
  out.push_back(run_one(pass, first + 1, "edge_certificate", "the edge certificate", target, target.sni,
                        target.host_header, edge.cert, edge.key, edge.chain));
  out.push_back(run_one(pass, first + 2, "impostor", "impostor (self-signed, same subject)", target, target.sni,
                        target.host_header, impostor.cert.get(), impostor.key.get(), {}));
  if (!target.mismatch_name.empty()) {
    out.push_back(run_one(pass, first + 3, "other_host", "the edge certificate for another host name", target,
                          target.mismatch_name, target.mismatch_name, edge.cert, edge.key, edge.chain));
  }
  return out;
}

}  // namespace

ProbeReport run_probe(const ProbeTarget& target, const ProbeIdentity& edge) {
  tls::Issued impostor = tls::impostor_of(edge.cert);
  ProbeReport report;
  report.scenarios = run_pass(kHttp1Pass, 1, target, edge, impostor);
  // The h2 pass needs an origin that answers TLS at all: not for one that is unreachable or silent.
  const bool answers = std::any_of(report.scenarios.begin(), report.scenarios.end(), [](const ScenarioResult& s) {
    return s.response.tcp_ok && !s.response.timed_out;
  });
  if (answers) {
    // Which protocol the origin selects when offered h2, http/1.1: one handshake with the edge certificate and
    // no request, so that an origin without h2 gets no second round of requests.
    const HttpsRequest offer = scenario_request(target, target.sni, target.host_header, edge.cert, edge.key,
                                                edge.chain, kH2Pass);
    const tls::TlsClient check(offer, tls::TlsClient::Clock::now() + target.timeout);
    report.alpn_known = !check.report().protocol.empty();
    report.alpn = report.alpn_known ? check.report().alpn : "";
  }
  if (report.alpn == "h2") {
    report.http2_checked = true;
    std::vector<ScenarioResult> second =
        run_pass(kH2Pass, static_cast<int>(report.scenarios.size()) + 1, target, edge, impostor);
    report.scenarios.insert(report.scenarios.end(), second.begin(), second.end());
  }
  report.origin_checked = !target.ca_certs.empty();
  for (const auto& s : report.scenarios) {
    if (s.response.server_subject.empty()) continue;
    report.origin_subject = s.response.server_subject;
    report.origin_verified = s.response.server_verified;
    report.origin_error = s.response.server_verify_error;
    break;
  }
  judge(report);
  return report;
}

}  // namespace certgate::client
