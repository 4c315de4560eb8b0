#include "http/request_check.hpp"

#include <algorithm>

#include "core/ascii.hpp"
#include "core/header_names.hpp"
#include "http/field_lists.hpp"

namespace certgate::h1 {
namespace http = boost::beast::http;

namespace {

// Rivals of the forwarding headers certgate writes (core::names_certgate_writes()) that an origin might believe
// instead, and other client-certificate headers: a client's copy under any spelling never reaches the origin.
constexpr std::string_view kRivalNames[] = {
    "x-forwarded-host", "x-forwarded-port", "x-forwarded-server", "x-forwarded-ssl", "x-forwarded-scheme",
    "forwarded", "x-real-ip", "x-client-ip", "true-client-ip", "client-cert-chain", "x-ssl-client-cert",
    "x-ssl-client-verify", "x-ssl-client-dn"};

RequestCheck refuse(int status, std::string reason) { return RequestCheck{std::nullopt, {status, std::move(reason)}}; }

bool is_idempotent(http::verb v) {
  switch (v) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::options:
    case http::verb::trace:
    case http::verb::put:
    case http::verb::delete_: return true;
    default: return false;
  }
}

// Transfer-Encoding of a request (RFC 9112 6.1, 6.3): exactly "chunked" is supported.
std::optional<RequestRefusal> check_transfer_encoding(const FieldViews& values) {
  FieldViews codings;
  for (std::string_view v : values) {
    if (!split_list(v, codings)) return RequestRefusal{400, "Transfer-Encoding is not a list of codings"};
  }
  if (codings.empty()) return RequestRefusal{400, "empty Transfer-Encoding"};
  std::size_t chunked = 0;
  for (std::string_view c : codings) {
    if (core::ascii::starts_with_folded(c, "chunked") && c.size() > 7) {
      return RequestRefusal{400, "Transfer-Encoding '" + std::string(c) + "': chunked takes no parameters"};
    }
    if (core::ascii::equals_folded(c, "chunked")) ++chunked;
  }
  if (!core::ascii::equals_folded(codings.back(), "chunked")) {
    return RequestRefusal{400, "Transfer-Encoding whose final coding is not chunked: the body length is unknown"};
  }
  if (chunked > 1) return RequestRefusal{400, "Transfer-Encoding applies chunked more than once"};
  if (codings.size() > 1) {
    return RequestRefusal{501, "transfer coding '" + std::string(codings.front()) + "' is not supported"};
  }
  return std::nullopt;
}

// An absolute-form target "http(s)://authority[/path][?query]": the authority and the origin-form rest.
std::optional<RequestRefusal> reduce_absolute_form(std::string_view target, CheckedRequest& out) {
  const std::size_t sep = target.find("://");
  const std::string_view scheme = target.substr(0, sep);
  if (!core::ascii::equals_folded(scheme, "http") && !core::ascii::equals_folded(scheme, "https")) {
    return RequestRefusal{400, "request target '" + std::string(target) + "' is not origin-form or http(s) absolute-form"};
  }
  std::string_view rest = target.substr(sep + 3);
  const std::size_t path_at = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_at);
  auto parsed = core::parse_host_port(authority);
  if (!parsed) return RequestRefusal{400, "request target authority '" + std::string(authority) + "': " + parsed.error};
  out.authority = std::move(*parsed.value);
  if (path_at == std::string_view::npos) out.reduced_target = "/";
  else if (rest[path_at] == '?') out.reduced_target = "/" + std::string(rest.substr(path_at));
  else out.reduced_target = std::string(rest.substr(path_at));
  return std::nullopt;
}

// The protocols of Upgrade that may be upgraded to, comma-joined ("" = none).
std::string allowed_upgrades(std::string_view value, const HeaderRules& rules) {
  FieldViews offered;
  if (!split_list(value, offered)) return {};
  std::string kept;
  for (std::string_view p : offered) {
    if (!rules.upgrade_allowed(p)) continue;
    if (!kept.empty()) kept += ", ";
    kept.append(p);
  }
  return kept;
}

}  // namespace

bool beast_agrees(const http::request_parser<http::buffer_body>& parser, const CheckedRequest& req) {
  switch (req.framing) {
    case Framing::none: return parser.is_done();
    case Framing::length: return !parser.chunked() && parser.content_length() == req.length;
    case Framing::chunked: return parser.chunked();
  }
  return false;
}

bool folded_equals(std::string_view name, std::string_view folded_name) {
  if (name.size() != folded_name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = core::ascii::to_lower(name[i]);
    if (c == '_') c = '-';
    if (c != folded_name[i]) return false;
  }
  return true;
}

HeaderRules HeaderRules::build(const config::HeaderNames& names, const std::vector<std::string>& upgrades) {
  HeaderRules rules;
  auto add = [&](std::string_view name) {
    if (name.empty()) return;
    std::string f = core::fold_header_name(name);
    if (std::find(rules.reserved_.begin(), rules.reserved_.end(), f) == rules.reserved_.end())
      rules.reserved_.push_back(std::move(f));
  };
  static const config::HeaderNames defaults;
  for (const config::HeaderNames* set : {&names, &defaults}) {
    for (const std::string* n : {&set->verify, &set->identity, &set->mapping, &set->subject, &set->issuer,
                                 &set->fingerprint, &set->serial, &set->client_cert, &set->request_id,
                                 &set->would_refuse}) {
      add(*n);
    }
  }
  for (std::string_view n : core::names_certgate_writes()) add(n);
  for (std::string_view n : kRivalNames) add(n);
  for (const std::string& n : names.strip) add(n);
  rules.drop_underscores_ = !names.keep_underscores;
  if (!names.client_ip_from.empty()) rules.client_ip_from_ = core::fold_header_name(names.client_ip_from);
  rules.client_ip_from_name_ = names.client_ip_from;
  for (const std::string& p : upgrades) rules.upgrades_.push_back(core::ascii::lower_copy(p));
  return rules;
}

bool HeaderRules::is_reserved(std::string_view name) const {
  for (const std::string& r : reserved_) {
    if (folded_equals(name, r)) return true;
  }
  return false;
}

bool HeaderRules::upgrade_allowed(std::string_view protocol) const {
  // "websocket" or "websocket/13": the protocol name before any version.
  const std::string_view name = protocol.substr(0, protocol.find('/'));
  for (const std::string& u : upgrades_) {
    if (core::ascii::equals_folded(name, u)) return true;
  }
  return false;
}

RequestCheck check_request(const http::request_header<>& head, const HeaderRules& rules, std::uint64_t max_body_bytes,
                           std::string_view sni) {
  CheckedRequest out;
  out.method = head.method_string();
  out.version = head.version();
  if (out.version != 10 && out.version != 11) return refuse(505, "HTTP version not supported");
  if (head.method() == http::verb::connect) return refuse(501, "CONNECT is not supported by a reverse proxy");

  // Every field that frames, routes or conditions the request, seen once.
  FieldViews hosts, lengths, codings, expects;
  std::string_view upgrade;
  bool connection_upgrade = false, connection_close = false, connection_keep_alive = false;
  for (const auto& f : head) {
    switch (f.name()) {
      case http::field::host: hosts.push_back(f.value()); break;
      case http::field::content_length: lengths.push_back(f.value()); break;
      case http::field::transfer_encoding: codings.push_back(f.value()); break;
      case http::field::expect: expects.push_back(f.value()); break;
      case http::field::upgrade: upgrade = f.value(); break;
      case http::field::connection:
        connection_upgrade = connection_upgrade || list_contains(f.value(), "upgrade");
        connection_close = connection_close || list_contains(f.value(), "close");
        connection_keep_alive = connection_keep_alive || list_contains(f.value(), "keep-alive");
        break;
      default: break;
    }
  }

  // Target and authority (RFC 9112 3.2): an absolute-form target's authority wins over Host.
  const std::string_view target = head.target();
  if (target.find('#') != std::string_view::npos) return refuse(400, "request target with a fragment");
  // A URI is ASCII (RFC 3986 2); raw UTF-8 is read one way by one server and another way by the next.
  for (unsigned char c : target) {
    if (c >= 0x80) return refuse(400, "request target with a byte that is not ASCII (percent-encode it)");
  }
  if (hosts.size() > 1) return refuse(400, "more than one Host header");
  if (hosts.empty() && out.version == 11) return refuse(400, "HTTP/1.1 request without Host");
  std::optional<core::HostPort> host_header;
  if (!hosts.empty()) {
    auto parsed = core::parse_host_port(hosts.front());
    if (!parsed) return refuse(400, "Host '" + std::string(hosts.front()) + "': " + parsed.error);
    host_header = std::move(parsed.value);
  }
  if (!target.empty() && target.front() == '/') {
    out.origin_target = target;
  } else if (target == "*") {
    if (head.method() != http::verb::options) return refuse(400, "asterisk-form target with a method other than OPTIONS");
    out.origin_target = target;
  } else if (target.find("://") != std::string_view::npos) {
    if (auto r = reduce_absolute_form(target, out)) return refuse(r->status, std::move(r->reason));
    host_header.reset();  // the target's authority is used (RFC 9112 3.2.2)
  } else {
    return refuse(400, "request target is not origin-form, absolute-form or '*'");
  }
  if (host_header) {
    out.authority = std::move(*host_header);
  } else if (out.authority.host.empty()) {
    // HTTP/1.0 without Host: the name the client asked the TLS handshake for.
    auto parsed = core::parse_host_port(sni);
    if (!parsed) return refuse(400, "a request without Host on a connection without SNI");
    out.authority = std::move(*parsed.value);
  }

  // Framing (RFC 9112 6.1-6.3): what certgate forwards is framed by what it parsed here, and nothing else.
  if (!codings.empty()) {
    if (out.version < 11) return refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (!lengths.empty()) return refuse(400, "both Content-Length and Transfer-Encoding");
    if (auto r = check_transfer_encoding(codings)) return refuse(r->status, std::move(r->reason));
    out.framing = Framing::chunked;
  } else if (!lengths.empty()) {
    if (lengths.size() > 1) return refuse(400, "more than one Content-Length header");
    const std::string_view v = lengths.front();
    if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string_view::npos) {
      return refuse(400, "Content-Length '" + std::string(v) + "' is not a number");
    }
    std::uint64_t n = 0;
    for (char c : v) n = n * 10 + static_cast<std::uint64_t>(c - '0');
    if (n > max_body_bytes) return refuse(413, "request body exceeds max_body_bytes");
    if (n > 0) {
      out.framing = Framing::length;
      out.length = n;
    }
  }

  // Expectations (RFC 9110 10.1.1): an HTTP/1.0 client's is ignored.
  if (!expects.empty() && out.version == 11) {
    if (expects.size() > 1 || !core::ascii::equals_folded(trim_ows(expects.front()), "100-continue")) {
      return refuse(417, "unsupported expectation");
    }
    out.expect_continue = out.framing != Framing::none;
  }

  // Upgrade (RFC 9110 7.8): only to configured protocols, only a bodiless HTTP/1.1 request that asks for it in
  // Connection; otherwise the request goes on as a plain one and Upgrade is not forwarded.
  if (!upgrade.empty() && connection_upgrade && out.version == 11 && out.framing == Framing::none) {
    out.upgrade = allowed_upgrades(upgrade, rules);
  }

  // RFC 9112 9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
  out.keep_alive = out.version == 11 ? !connection_close : connection_keep_alive && !connection_close;
  out.retry_safe = out.framing == Framing::none && is_idempotent(head.method());
  return RequestCheck{std::move(out), {}};
}

}  // namespace certgate::h1
