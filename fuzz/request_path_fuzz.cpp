// libFuzzer driver: the request path of certgate from the bytes a client sends after the handshake to the head the
// origin receives. Byte 0 picks a configuration (see Setup); the rest is what the client sends, possibly several
// pipelined requests. Each head is read as the server reads it (Beast request_parser<buffer_body>, header limit
// 16 KiB, body limit max_body_bytes), checked by h1::check_request(), cross-checked with Beast's framing as
// src/server/request.cpp does, and rendered by h1::render_upstream_request(). The rendered head must then be
// one an origin can only read one way, and carry exactly what certgate vouches for (see check_rendered()).
// A body (Content-Length bytes, or chunks as Beast decodes them) is skipped to reach the next request; the input
// ends at the first refusal, a request that does not keep the connection, or an upgrade.
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/host_port.hpp"
#include "http/identity.hpp"
#include "http/identity_headers.hpp"
#include "http/request_check.hpp"
#include "http/upstream_request.hpp"
#include "http_fuzz_support.hpp"

namespace {
using namespace certgate;
using certgate::fuzz::finding;
using certgate::fuzz::fold_name;
using certgate::fuzz::iequals;
using certgate::fuzz::printable;
namespace http = boost::beast::http;

constexpr std::size_t kHeaderLimit = 16 * 1024;  // config::Limits::max_header_bytes
constexpr std::string_view kClientIp = "192.0.2.10";
constexpr int kMaxRequests = 16;

// Names no client may send upstream under any spelling, as docs/config.md and docs/security.md promise them
// (the identity names are added per configuration). Written out here, apart from src/http, so that a name
// dropped from certgate's list is a finding.
constexpr std::string_view kSpecReserved[] = {
    "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-forwarded-server",
    "x-forwarded-ssl", "x-forwarded-scheme", "forwarded", "x-real-ip", "x-client-ip", "true-client-ip",
    "client-cert-chain", "x-ssl-client-cert", "x-ssl-client-verify", "x-ssl-client-dn", "content-length",
    "transfer-encoding", "host", "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade",
    "http2-settings", "expect", "via"};

// One of 256 configurations, from byte 0 of the input.
struct Setup {
  config::HeaderNames names;
  std::vector<std::string> upgrades;
  std::string sni;
  http_id::IdentityValues identity;
  std::uint64_t max_body_bytes = 100ull * 1024 * 1024;  // config::Limits::max_body_bytes
  h1::HeaderRules rules;
  std::string identity_block;
  std::vector<std::string> reserved;  // folded: kSpecReserved, the identity names (default and configured), strip
  std::vector<std::string> identity_names;  // folded: every name an identity header may carry

  explicit Setup(unsigned char b) {
    if (b & 0x01) {  // renamed identity headers, one with '_', Client-Cert turned off
      names.identity = "X-Edge-User";
      names.verify = "X_Edge_Verify";
      names.client_cert = "";
    }
    if (b & 0x02) names.strip = {"X-Internal-Token"};
    names.keep_underscores = (b & 0x04) != 0;
    switch ((b >> 3) & 0x03) {
      case 0: break;
      case 1: upgrades = {"websocket"}; break;
      case 2: upgrades = {"websocket", "example-proto"}; break;
      case 3: upgrades = {"WebSocket"}; break;
    }
    sni = (b & 0x20) ? "" : "gw.example";
    if (b & 0x40) {
      identity.verify = "NONE";  // anonymous, no certificate
    } else {
      // A certificate whose names try to end their line: header_safe() must keep them inside it.
      identity.has_cert = true;
      identity.verify = "SUCCESS";
      identity.identity = "edge\r\nX-Client-Identity: admin";
      identity.mapping = "edge";
      static constexpr char kSubject[] = "CN=edge.example.com,O=Ex\0ample";
      identity.subject = std::string(kSubject, sizeof kSubject - 1);
      identity.issuer = "CN=Origin Pull CA";
      identity.fingerprint = "ab12cd34";
      identity.serial = "0F";
      identity.client_cert = ":AAAA:";
    }
    if (b & 0x80) max_body_bytes = 1000;
    rules = h1::HeaderRules::build(names, upgrades);
    identity_block = h1::render_identity_block(names, identity);

    auto add = [](std::vector<std::string>& set, std::string_view name) {
      if (name.empty()) return;
      std::string f = fold_name(name);
      if (std::find(set.begin(), set.end(), f) == set.end()) set.push_back(std::move(f));
    };
    static const config::HeaderNames defaults;
    for (const config::HeaderNames* n : {static_cast<const config::HeaderNames*>(&names), &defaults}) {
      for (const std::string* name : {&n->verify, &n->identity, &n->mapping, &n->subject, &n->issuer, &n->fingerprint,
                                      &n->serial, &n->client_cert}) {
        add(identity_names, *name);
        add(reserved, *name);
      }
    }
    for (std::string_view n : kSpecReserved) add(reserved, n);
    for (const std::string& n : names.strip) add(reserved, n);
    // Every promised name is certgate's too, in the spellings a back end folds together.
    for (const std::string& r : reserved) {
      std::string upper = r, underscored = r;
      for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      std::replace(underscored.begin(), underscored.end(), '-', '_');
      CERTGATE_FUZZ_REQUIRE(rules.is_reserved(r) && rules.is_reserved(upper) && rules.is_reserved(underscored),
                            "HeaderRules does not reserve '" + r + "' in every spelling");
    }
  }

  bool spec_reserved(std::string_view name) const {
    return std::find(reserved.begin(), reserved.end(), fold_name(name)) != reserved.end();
  }
};

const Setup& setup_for(unsigned char b) {
  static std::array<const Setup*, 256> setups{};
  if (!setups[b]) setups[b] = new Setup(b);  // built once each, kept for the process
  return *setups[b];
}

std::string_view framing_name(h1::Framing f) {
  switch (f) {
    case h1::Framing::none: return "none";
    case h1::Framing::length: return "length";
    case h1::Framing::chunked: return "chunked";
  }
  return "?";
}

// What the authority must be, read from the client's head without check_request(): an absolute-form target's,
// else Host's, else the SNI (HTTP/1.0).
std::string expected_authority(const http::request_header<>& head, std::string_view sni) {
  const std::string_view target = head.target();
  std::string_view text;
  if (!target.empty() && target.front() != '/' && target != "*") {
    std::string_view rest = target.substr(target.find("://") + 3);
    text = rest.substr(0, rest.find_first_of("/?"));
  } else if (auto host = head.find(http::field::host); host != head.end()) {
    text = host->value();
  } else {
    text = sni;
  }
  auto parsed = core::parse_host_port(text);
  if (!parsed) finding("an accepted request whose authority '" + printable(text) + "' does not parse: " + parsed.error);
  return parsed.value->authority();
}

// The rendered head against the client's head, the check and the configuration.
void check_rendered(const std::string& wire, const http::request_header<>& in, const h1::CheckedRequest& req,
                    const Setup& s, const std::string& client) {
  const std::string ctx = client + "\n  upstream head: " + printable(wire, 2000);
  const fuzz::StrictHead out = fuzz::read_strict_head(wire, "upstream head", ctx);

  // Request line: the client's method, origin-form or "*", HTTP/1.1.
  const std::string_view line = out.start_line;
  const std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  CERTGATE_FUZZ_REQUIRE(sp1 != std::string_view::npos && sp2 > sp1, "request line without two spaces" + ctx);
  const std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  CERTGATE_FUZZ_REQUIRE(line.substr(sp2 + 1) == "HTTP/1.1", "upstream request is not HTTP/1.1" + ctx);
  CERTGATE_FUZZ_REQUIRE(method == in.method_string(), "method changed" + ctx);
  CERTGATE_FUZZ_REQUIRE(!method.empty() && std::all_of(method.begin(), method.end(), fuzz::is_tchar),
                        "method is not a token" + ctx);
  CERTGATE_FUZZ_REQUIRE((!target.empty() && target.front() == '/') || (target == "*" && method == "OPTIONS"),
                        "upstream target is not origin-form or OPTIONS *" + ctx);
  CERTGATE_FUZZ_REQUIRE(target.find_first_of(" \t#") == std::string_view::npos,
                        "space or fragment in the target" + ctx);
  CERTGATE_FUZZ_REQUIRE(
      std::all_of(target.begin(), target.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }),
      "upstream target with a byte that is not ASCII" + ctx);

  // Beast reads it the same way: one head, nothing left, the same fields in the same order.
  http::request_parser<http::empty_body> again;
  again.header_limit(1u << 20);
  again.body_limit(boost::none);  // the origin's own limit is not what is checked
  boost::system::error_code ec;
  const std::size_t used = again.put(boost::asio::buffer(wire.data(), wire.size()), ec);
  CERTGATE_FUZZ_REQUIRE(!ec && again.is_header_done(), "Beast cannot read the upstream head: " + ec.message() + ctx);
  CERTGATE_FUZZ_REQUIRE(used == wire.size(),
                        "Beast leaves " + std::to_string(wire.size() - used) + " bytes after the head" + ctx);
  const auto& back = again.get();
  CERTGATE_FUZZ_REQUIRE(back.version() == 11 && back.method_string() == method && back.target() == target,
                        "Beast reads another request line" + ctx);
  std::size_t i = 0;
  for (const auto& f : back) {
    CERTGATE_FUZZ_REQUIRE(
        i < out.fields.size() && f.name_string() == out.fields[i].name && f.value() == out.fields[i].value,
        "Beast and the strict reader read different fields" + ctx);
    ++i;
  }
  CERTGATE_FUZZ_REQUIRE(i == out.fields.size(), "Beast reads fewer fields" + ctx);

  // Framing: from the check, one field at most, and what Beast reads from it.
  const std::size_t lengths = fuzz::count_named(out, "Content-Length"),
                    codings = fuzz::count_named(out, "Transfer-Encoding");
  switch (req.framing) {
    case h1::Framing::none:
      CERTGATE_FUZZ_REQUIRE(lengths == 0 && codings == 0, "a framing field on a request without a body" + ctx);
      CERTGATE_FUZZ_REQUIRE(again.is_done(), "Beast expects a body the check says is not there" + ctx);
      break;
    case h1::Framing::length:
      CERTGATE_FUZZ_REQUIRE(
          lengths == 1 && codings == 0 && *fuzz::value_of(out, "Content-Length") == std::to_string(req.length),
          "Content-Length is not exactly the checked " + std::to_string(req.length) + ctx);
      CERTGATE_FUZZ_REQUIRE(!again.chunked() && again.content_length() == req.length,
                            "Beast reads another length" + ctx);
      break;
    case h1::Framing::chunked:
      CERTGATE_FUZZ_REQUIRE(codings == 1 && lengths == 0 && *fuzz::value_of(out, "Transfer-Encoding") == "chunked",
                            "not exactly Transfer-Encoding: chunked" + ctx);
      CERTGATE_FUZZ_REQUIRE(again.chunked(), "Beast does not read chunked framing" + ctx);
      break;
  }

  // Host: exactly one, the checked authority, which is the one the client's head names.
  std::size_t hosts = 0;
  for (const auto& f : out.fields) hosts += fold_name(f.name) == "host" ? 1 : 0;
  CERTGATE_FUZZ_REQUIRE(hosts == 1, std::to_string(hosts) + " Host fields" + ctx);
  const std::string_view host = *fuzz::value_of(out, "Host");
  CERTGATE_FUZZ_REQUIRE(host == req.authority.authority(), "Host is not the checked authority" + ctx);
  auto host_parsed = core::parse_host_port(host);
  CERTGATE_FUZZ_REQUIRE(bool(host_parsed), "the rendered Host does not parse: " + host_parsed.error + ctx);
  CERTGATE_FUZZ_REQUIRE(host_parsed.value->authority() == host, "the rendered Host does not read back unchanged" + ctx);
  CERTGATE_FUZZ_REQUIRE(host == expected_authority(in, s.sni),
                        "Host is not the authority the client's head names" + ctx);

  // Identity: exactly the identity block, in order, each once; nothing else under an identity name.
  std::vector<std::pair<std::string, std::string>> identity;
  for (const auto& [name, value] : h1::identity_headers(s.names, s.identity))
    identity.emplace_back(name, h1::header_safe(value));
  std::size_t id_at = 0;
  // The rest: the client's end-to-end fields in order, then certgate's own.
  std::vector<fuzz::HeadLine> forwarded;
  std::size_t xff = 0, xfp = 0, via = 0, upgrade = 0, connection = 0, real_ip = 0;
  for (const auto& f : out.fields) {
    const std::string folded = fold_name(f.name);
    if (std::find(s.identity_names.begin(), s.identity_names.end(), folded) != s.identity_names.end()) {
      CERTGATE_FUZZ_REQUIRE(
          id_at < identity.size() && f.name == identity[id_at].first && f.value == identity[id_at].second,
          "identity field " + std::string(f.name) + " is not the identity block's" + ctx);
      ++id_at;
      continue;
    }
    if (folded == "host" || folded == "content-length" || folded == "transfer-encoding") continue;  // checked above
    if (folded == "x-forwarded-for") { ++xff; continue; }
    if (folded == "x-real-ip") {
      ++real_ip;
      CERTGATE_FUZZ_REQUIRE(f.value == kClientIp, "X-Real-IP is not the client's address" + ctx);
      continue;
    }
    if (folded == "x-forwarded-proto") {
      ++xfp;
      CERTGATE_FUZZ_REQUIRE(f.value == "https", "X-Forwarded-Proto is not https" + ctx);
      continue;
    }
    if (folded == "via") { ++via; continue; }
    if (folded == "upgrade") { ++upgrade; continue; }
    if (folded == "connection") { ++connection; continue; }
    CERTGATE_FUZZ_REQUIRE(!s.spec_reserved(f.name) && !s.rules.is_reserved(f.name),
                          "reserved name " + std::string(f.name) + " reached the origin" + ctx);
    CERTGATE_FUZZ_REQUIRE(!s.rules.is_client_ip_field(f.name),
                          "client_ip_from " + std::string(f.name) + " reached the origin from a client" + ctx);
    CERTGATE_FUZZ_REQUIRE(!s.rules.drops_underscores() || f.name.find('_') == std::string_view::npos,
                          "a name with '_' reached the origin: " + std::string(f.name) + ctx);
    forwarded.push_back(f);
  }
  CERTGATE_FUZZ_REQUIRE(id_at == identity.size(), "identity fields missing" + ctx);
  CERTGATE_FUZZ_REQUIRE(xff == 1 && xfp == 1 && via == 1 && real_ip == 1,
                        "not exactly one X-Forwarded-For, X-Real-IP, X-Forwarded-Proto and Via" + ctx);

  // X-Forwarded-For: the client's (exact name) then the client's address; Via: the client's then certgate's.
  std::string want_xff, want_via;
  for (const auto& f : in) {
    if (iequals(f.name_string(), "X-Forwarded-For")) want_xff.append(f.value()).append(", ");
    if (iequals(f.name_string(), "Via")) want_via.append(f.value()).append(", ");
  }
  want_xff.append(kClientIp);
  want_via.append("1.1 certgate");
  CERTGATE_FUZZ_REQUIRE(*fuzz::value_of(out, "X-Forwarded-For") == want_xff,
                        "X-Forwarded-For is not the client's then " + std::string(kClientIp) + ctx);
  CERTGATE_FUZZ_REQUIRE(*fuzz::value_of(out, "Via") == want_via, "Via does not end with certgate's" + ctx);

  // Upgrade: only the allowed protocols, with Connection: upgrade; otherwise neither field.
  if (req.upgrade.empty()) {
    CERTGATE_FUZZ_REQUIRE(upgrade == 0 && connection == 0,
                          "Upgrade or Connection on a request that is not upgraded" + ctx);
  } else {
    CERTGATE_FUZZ_REQUIRE(upgrade == 1 && connection == 1 && *fuzz::value_of(out, "Connection") == "upgrade",
                          "an upgrade without exactly one Upgrade and Connection: upgrade" + ctx);
    for (std::string_view p : fuzz::list_elements(*fuzz::value_of(out, "Upgrade"))) {
      CERTGATE_FUZZ_REQUIRE(s.rules.upgrade_allowed(p),
                            "Upgrade offers '" + std::string(p) + "', which is not configured" + ctx);
      bool configured = false;
      const std::string_view name = p.substr(0, p.find('/'));
      for (const std::string& u : s.upgrades) configured = configured || iequals(u, name);
      CERTGATE_FUZZ_REQUIRE(configured, "Upgrade offers '" + std::string(p) + "', which is not configured" + ctx);
    }
  }

  // Every other end-to-end field of the client, unchanged and in order.
  std::vector<std::string_view> listed;
  for (const auto& f : in) {
    if (f.name() == http::field::connection) {
      for (std::string_view t : fuzz::list_elements(f.value())) listed.push_back(t);
    }
  }
  std::vector<fuzz::HeadLine> expected;
  for (const auto& f : in) {
    const std::string_view name = f.name_string();
    if (s.spec_reserved(name) || s.rules.is_reserved(name)) continue;
    if (s.rules.drops_underscores() && name.find('_') != std::string_view::npos) continue;
    if (std::any_of(listed.begin(), listed.end(), [&](std::string_view t) { return iequals(t, name); })) continue;
    expected.push_back({name, f.value()});
  }
  CERTGATE_FUZZ_REQUIRE(expected.size() == forwarded.size(), "forwarded " + std::to_string(forwarded.size()) +
                                                                 " of the client's fields, expected " +
                                                                 std::to_string(expected.size()) + ctx);
  for (std::size_t k = 0; k < expected.size(); ++k) {
    CERTGATE_FUZZ_REQUIRE(
        expected[k].name == forwarded[k].name && expected[k].value == forwarded[k].value,
        "the client's field " + std::string(expected[k].name) + " is not forwarded unchanged and in order" + ctx);
  }
}

// An accepted head is one the plain rules accept (RFC 9112 3.2, 6.1-6.3, RFC 9110 10.1.1 as certgate reads
// them), and its framing is the plain reading: Transfer-Encoding -> chunked, else a positive Content-Length ->
// that length, else none.
void check_acceptance(const http::request_header<>& in, const h1::CheckedRequest& req, const std::string& ctx) {
  std::size_t hosts = 0, lengths = 0, codings = 0, expects = 0;
  for (const auto& f : in) {
    hosts += f.name() == http::field::host ? 1 : 0;
    lengths += f.name() == http::field::content_length ? 1 : 0;
    codings += f.name() == http::field::transfer_encoding ? 1 : 0;
    if (f.name() == http::field::expect) {
      ++expects;
      std::string_view v = f.value();
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      CERTGATE_FUZZ_REQUIRE(in.version() != 11 || iequals(v, "100-continue"),
                            "accepted Expect '" + printable(v) + "'" + ctx);
    }
  }
  CERTGATE_FUZZ_REQUIRE(in.version() == 10 || in.version() == 11,
                        "accepted HTTP version " + std::to_string(in.version()) + ctx);
  CERTGATE_FUZZ_REQUIRE(in.method() != http::verb::connect, "accepted CONNECT" + ctx);
  CERTGATE_FUZZ_REQUIRE(hosts <= 1 && (hosts == 1 || in.version() == 10),
                        "accepted with " + std::to_string(hosts) + " Host fields" + ctx);
  CERTGATE_FUZZ_REQUIRE(lengths <= 1 && !(lengths && codings), "accepted with ambiguous framing fields" + ctx);
  CERTGATE_FUZZ_REQUIRE(codings <= 1, "accepted with " + std::to_string(codings) + " Transfer-Encoding fields" + ctx);
  CERTGATE_FUZZ_REQUIRE(codings == 0 || in.version() == 11, "accepted Transfer-Encoding on HTTP/1.0" + ctx);
  CERTGATE_FUZZ_REQUIRE(expects <= 1 || in.version() == 10, "accepted more than one Expect" + ctx);
  const std::string_view target = in.target();
  CERTGATE_FUZZ_REQUIRE(target.find('#') == std::string_view::npos, "accepted a target with a fragment" + ctx);
  if (in.find(http::field::transfer_encoding) != in.end()) {
    CERTGATE_FUZZ_REQUIRE(req.framing == h1::Framing::chunked,
                          "accepted Transfer-Encoding, framed as " + std::string(framing_name(req.framing)) + ctx);
    return;
  }
  auto cl = in.find(http::field::content_length);
  if (cl == in.end()) {
    CERTGATE_FUZZ_REQUIRE(req.framing == h1::Framing::none,
                          "no framing field, framed as " + std::string(framing_name(req.framing)) + ctx);
    return;
  }
  const std::string_view v = cl->value();
  std::uint64_t n = 0;
  for (char c : v) {
    CERTGATE_FUZZ_REQUIRE(c >= '0' && c <= '9', "accepted Content-Length '" + printable(v) + "'" + ctx);
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  CERTGATE_FUZZ_REQUIRE(
      n == 0 ? req.framing == h1::Framing::none : (req.framing == h1::Framing::length && req.length == n),
      "Content-Length " + std::string(v) + " framed as " + std::string(framing_name(req.framing)) + ctx);
}

// One request from `input`: true when the connection goes on, with `input` advanced past it.
bool one_request(std::string_view& input, const Setup& s, std::string& wire) {
  http::request_parser<http::buffer_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(kHeaderLimit));
  parser.body_limit(s.max_body_bytes);
  boost::system::error_code ec;
  const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
  if (ec == http::error::need_buffer) ec = {};
  if (ec || !parser.is_header_done()) return false;  // answered 400/413/431 by read_head, or an incomplete head
  const std::string ctx = "\n  client head: " + printable(input.substr(0, used), 2000);
  input.remove_prefix(used);
  const http::request_header<>& head = parser.get().base();

  h1::RequestCheck check;
  try {
    check = h1::check_request(head, s.rules, s.max_body_bytes, s.sni);
  } catch (const std::exception& e) {
    finding(std::string("check_request threw: ") + e.what() + ctx);
  }
  if (!check.request) {
    const int st = check.refusal.status;
    CERTGATE_FUZZ_REQUIRE(st == 400 || st == 413 || st == 417 || st == 501 || st == 505,
                          "refused with status " + std::to_string(st) + ctx);
    CERTGATE_FUZZ_REQUIRE(!check.refusal.reason.empty(), "refused without a reason" + ctx);
    return false;
  }
  const h1::CheckedRequest& req = *check.request;
  CERTGATE_FUZZ_REQUIRE(req.version == head.version() && req.method == head.method_string(),
                        "the check changed the request line" + ctx);
  CERTGATE_FUZZ_REQUIRE(h1::beast_agrees(parser, req), "Beast frames the client's body otherwise than check_request (" +
                        std::string(framing_name(req.framing)) + ", length " + std::to_string(req.length) + ")" + ctx);
  check_acceptance(head, req, ctx);
  CERTGATE_FUZZ_REQUIRE(req.framing != h1::Framing::length || req.length <= s.max_body_bytes,
                        "a length over max_body_bytes accepted" + ctx);
  CERTGATE_FUZZ_REQUIRE(req.framing == h1::Framing::none || req.upgrade.empty(), "an upgrade with a body" + ctx);
  CERTGATE_FUZZ_REQUIRE(!req.expect_continue || (req.version == 11 && req.framing != h1::Framing::none),
                        "100-continue without a body" + ctx);

  wire = "stale bytes the render replaces";
  h1::render_upstream_request(wire, req, head, s.rules, s.identity_block, kClientIp);
  check_rendered(wire, head, req, s, ctx);

  if (!req.upgrade.empty() || !req.keep_alive) return false;  // a tunnel, or the connection closes
  // Skip the body to the next request: Content-Length bytes as they are, chunks through Beast.
  if (req.framing == h1::Framing::length) {
    if (input.size() < req.length) return false;
    input.remove_prefix(static_cast<std::size_t>(req.length));
  } else if (req.framing == h1::Framing::chunked) {
    std::array<char, 4096> scratch;
    while (!parser.is_done()) {
      parser.get().body().data = scratch.data();
      parser.get().body().size = scratch.size();
      const std::size_t n = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return false;
      input.remove_prefix(n);
      if (n == 0 && parser.get().body().size == scratch.size()) return false;  // needs more input than there is
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const Setup& s = setup_for(data[0]);
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string wire;
  for (int n = 0; n < kMaxRequests && !input.empty(); ++n) {
    if (!one_request(input, s, wire)) break;
  }
  return 0;
}
