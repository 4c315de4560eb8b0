// libFuzzer driver: the response path of certgate from the bytes an upstream sends to the head the client
// receives. Byte 0 picks what was forwarded (see Exchange); the rest is what the upstream answers: interim
// heads (1xx but 101) then the final head, read as src/server/exchange.cpp reads them (Beast
// response_parser<buffer_body>, header limit 64 KiB, skip for HEAD). Interim heads are rendered with
// h1::render_interim_response() for an HTTP/1.1 client; the final head goes through h1::check_response() and,
// when accepted, h1::client_framing() and h1::render_client_response() for an HTTP/1.0 and an HTTP/1.1 client,
// with keep-alive on and off. Every rendered head must be one a client can only read one way, framed as
// client_framing() says, without hop-by-hop fields, with one Server: certgate and one Date (check_rendered()).
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/client_response.hpp"
#include "http_fuzz_support.hpp"

namespace {
using namespace certgate;
using certgate::fuzz::finding;
using certgate::fuzz::iequals;
using certgate::fuzz::printable;
namespace http = boost::beast::http;

constexpr std::size_t kHeaderLimit = 64 * 1024;  // config::Limits::max_response_header_bytes
constexpr int kMaxInterimResponses = 16;          // src/server/exchange.cpp

// Hop-by-hop fields (RFC 9110 7.6.1) and the framing fields certgate writes itself.
constexpr std::string_view kHopByHop[] = {"Keep-Alive", "Proxy-Connection", "TE", "Trailer", "HTTP2-Settings"};

// What certgate forwarded, from byte 0.
struct Exchange {
  h1::CheckedRequest req;
  bool head_request = false;
  unsigned interim_client_version = 11;  // the client whose request is in flight while interim heads arrive

  explicit Exchange(unsigned char b) {
    head_request = (b & 0x01) != 0;
    req.method = head_request ? "HEAD" : "GET";
    req.origin_target = "/";
    req.authority.host = "origin.example";
    switch ((b >> 1) & 0x03) {
      case 0: break;
      case 1: req.upgrade = "websocket"; break;
      case 2: req.upgrade = "websocket, example-proto/2"; break;
      case 3: req.upgrade = "example-proto"; break;
    }
    interim_client_version = (b & 0x08) ? 10 : 11;
    req.version = interim_client_version;
  }
};

std::string_view framing_name(h1::BodyFraming f) {
  switch (f) {
    case h1::BodyFraming::none: return "none";
    case h1::BodyFraming::length: return "length";
    case h1::BodyFraming::chunked: return "chunked";
    case h1::BodyFraming::until_close: return "until_close";
  }
  return "?";
}

// The names the upstream's Connection lists (hop-by-hop for it).
std::vector<std::string_view> connection_listed(const http::response_header<>& up) {
  std::vector<std::string_view> listed;
  for (const auto& f : up) {
    if (f.name() == http::field::connection) {
      for (std::string_view t : fuzz::list_elements(f.value())) listed.push_back(t);
    }
  }
  return listed;
}

// What every rendered head (interim or final) shares: read strictly and by Beast alike, the status and reason of
// the upstream, no hop-by-hop field, nothing the upstream's Connection names unless certgate writes it itself.
fuzz::StrictHead read_rendered(const std::string& wire, const http::response_header<>& up, unsigned version,
                               bool head_request, bool upgrade, const std::string& ctx,
                               std::optional<http::response_parser<http::empty_body>>& again) {
  const fuzz::StrictHead out = fuzz::read_strict_head(wire, "client head", ctx);
  const std::string_view line = out.start_line;
  const std::string want_version = version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
  CERTGATE_FUZZ_REQUIRE(line.substr(0, 9) == want_version, "status line is not " + want_version + ctx);
  CERTGATE_FUZZ_REQUIRE(line.size() >= 13 && line.substr(9, 3) == std::to_string(up.result_int()) && line[12] == ' ',
                        "status is not the upstream's" + ctx);
  std::string_view reason = up.reason();
  if (reason.empty()) reason = http::obsolete_reason(up.result());
  CERTGATE_FUZZ_REQUIRE(line.substr(13) == reason, "reason phrase is not the upstream's" + ctx);

  again.emplace();
  again->header_limit(1u << 20);
  again->body_limit(boost::none);  // the client's own limit is not what is checked
  if (head_request) again->skip(true);
  boost::system::error_code ec;
  const std::size_t used = again->put(boost::asio::buffer(wire.data(), wire.size()), ec);
  CERTGATE_FUZZ_REQUIRE(!ec && again->is_header_done(), "Beast cannot read the client head: " + ec.message() + ctx);
  CERTGATE_FUZZ_REQUIRE(used == wire.size(),
                        "Beast leaves " + std::to_string(wire.size() - used) + " bytes after the head" + ctx);
  const auto& back = again->get();
  CERTGATE_FUZZ_REQUIRE(back.version() == (version >= 11 ? 11u : 10u) && back.result_int() == up.result_int(),
                        "Beast reads another status line" + ctx);
  std::size_t i = 0;
  for (const auto& f : back) {
    CERTGATE_FUZZ_REQUIRE(
        i < out.fields.size() && f.name_string() == out.fields[i].name && f.value() == out.fields[i].value,
        "Beast and the strict reader read different fields" + ctx);
    ++i;
  }
  CERTGATE_FUZZ_REQUIRE(i == out.fields.size(), "Beast reads fewer fields" + ctx);

  for (const fuzz::HeadLine& f : out.fields) {
    for (std::string_view h : kHopByHop)
      CERTGATE_FUZZ_REQUIRE(!iequals(f.name, h), "hop-by-hop field " + std::string(f.name) + ctx);
  }
  // A field the upstream's Connection names is the upstream's hop only: what certgate writes itself is exempt, and
  // so is the Upgrade of a 101 (whose Connection always lists it).
  static constexpr std::string_view kOwn[] = {"Server",    "Via", "Date", "Content-Length", "Transfer-Encoding",
                                              "Connection"};
  for (std::string_view t : connection_listed(up)) {
    if (std::any_of(std::begin(kOwn), std::end(kOwn), [&](std::string_view n) { return iequals(n, t); })) continue;
    if (upgrade && iequals(t, "Upgrade")) continue;
    CERTGATE_FUZZ_REQUIRE(fuzz::count_named(out, t) == 0,
                          "field " + std::string(t) + ", named in the upstream's Connection, reached the client" + ctx);
  }
  return out;
}

void check_interim(const std::string& wire, const http::response_header<>& up, const std::string& ctx) {
  std::optional<http::response_parser<http::empty_body>> again;
  const fuzz::StrictHead out = read_rendered(wire, up, 11, false, false, ctx, again);
  CERTGATE_FUZZ_REQUIRE(again->is_done(), "an interim head with a body" + ctx);
  for (std::string_view n : {"Connection", "Upgrade", "Content-Length", "Transfer-Encoding"}) {
    CERTGATE_FUZZ_REQUIRE(fuzz::count_named(out, n) == 0, "interim head with " + std::string(n) + ctx);
  }
}

// An accepted head is one the plain rules accept (RFC 9112 6.1-6.3 as certgate reads them).
void check_acceptance(const http::response_header<>& up, const h1::CheckedResponse& res, const Exchange& x,
                      const std::string& ctx) {
  CERTGATE_FUZZ_REQUIRE(res.status >= 100 && res.status <= 599 && res.status == up.result_int(),
                        "accepted status " + std::to_string(res.status) + ctx);
  std::vector<std::string_view> lengths, codings;
  for (const auto& f : up) {
    if (f.name() == http::field::content_length) lengths.push_back(f.value());
    if (f.name() == http::field::transfer_encoding) codings.push_back(f.value());
  }
  CERTGATE_FUZZ_REQUIRE(lengths.size() <= 1, "accepted more than one Content-Length" + ctx);
  if (!lengths.empty()) {
    const std::string_view v = lengths.front();
    CERTGATE_FUZZ_REQUIRE(!v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos,
                          "accepted Content-Length '" + printable(v) + "'" + ctx);
  }
  if (!codings.empty()) {
    CERTGATE_FUZZ_REQUIRE(
        lengths.empty() && up.version() == 11 && codings.size() == 1 && iequals(codings.front(), "chunked"),
        "accepted Transfer-Encoding '" + printable(codings.front()) + "'" + ctx);
  }
  if (res.upgrade) {
    CERTGATE_FUZZ_REQUIRE(res.status == 101, "an upgrade that is not 101" + ctx);
    std::optional<std::string_view> chosen;
    std::size_t upgrades = 0;
    for (const auto& f : up) {
      if (f.name() == http::field::upgrade) {
        chosen = f.value();
        ++upgrades;
      }
    }
    CERTGATE_FUZZ_REQUIRE(chosen.has_value(), "101 accepted without Upgrade" + ctx);
    const auto offered = fuzz::list_elements(x.req.upgrade);
    CERTGATE_FUZZ_REQUIRE(
        std::any_of(offered.begin(), offered.end(), [&](std::string_view o) { return iequals(o, *chosen); }),
        "101 to '" + printable(*chosen) + "' accepted, which was not offered" + ctx);
  } else {
    CERTGATE_FUZZ_REQUIRE(res.status != 101, "101 accepted as a plain response" + ctx);
  }
  const bool bodiless = x.head_request || res.status / 100 == 1 || res.status == 204 || res.status == 304;
  const h1::BodyFraming want = bodiless            ? h1::BodyFraming::none
                               : !codings.empty() ? h1::BodyFraming::chunked
                               : !lengths.empty() ? h1::BodyFraming::length
                                                  : h1::BodyFraming::until_close;
  CERTGATE_FUZZ_REQUIRE(res.framing == want, "upstream body framed as " + std::string(framing_name(res.framing)) +
                                                 ", not " + std::string(framing_name(want)) + ctx);
}

void check_final(const std::string& wire, const http::response_header<>& up, const h1::CheckedResponse& res,
                 const h1::ClientFraming& cf, unsigned version, bool keep_alive, const Exchange& x,
                 const std::string& upstream_ctx) {
  const std::string ctx = upstream_ctx + "\n  client HTTP/1." + (version >= 11 ? "1" : "0") + ", keep-alive " +
                          (keep_alive ? "on" : "off") + ", framing " + std::string(framing_name(cf.framing)) +
                          "\n  client head: " + printable(wire, 2000);
  std::optional<http::response_parser<http::empty_body>> again;
  const fuzz::StrictHead out = read_rendered(wire, up, version, x.head_request, res.upgrade, ctx, again);

  // client_framing() itself: a body ended by closing closes; chunks only for HTTP/1.1; never keeps what the
  // client did not ask to keep.
  CERTGATE_FUZZ_REQUIRE(cf.framing != h1::BodyFraming::until_close || !cf.keep_alive,
                        "until_close framing that keeps the connection" + ctx);
  CERTGATE_FUZZ_REQUIRE(cf.framing != h1::BodyFraming::chunked || version >= 11,
                        "chunked framing for an HTTP/1.0 client" + ctx);
  CERTGATE_FUZZ_REQUIRE(!cf.keep_alive || keep_alive, "keep-alive the client did not ask for" + ctx);

  // Framing fields: what client_framing() says, never both.
  const std::size_t lengths = fuzz::count_named(out, "Content-Length"),
                    codings = fuzz::count_named(out, "Transfer-Encoding");
  CERTGATE_FUZZ_REQUIRE(lengths + codings <= 1, "both or repeated framing fields" + ctx);
  const auto length_value = fuzz::value_of(out, "Content-Length");
  const auto coding_value = fuzz::value_of(out, "Transfer-Encoding");
  switch (cf.framing) {
    case h1::BodyFraming::length:
      CERTGATE_FUZZ_REQUIRE(lengths == 1 && *length_value == std::to_string(res.length),
                            "Content-Length is not the body's length" + ctx);
      CERTGATE_FUZZ_REQUIRE(!again->chunked() && again->content_length() == res.length,
                            "Beast reads another length" + ctx);
      break;
    case h1::BodyFraming::chunked:
      CERTGATE_FUZZ_REQUIRE(codings == 1 && *coding_value == "chunked",
                            "chunked body without Transfer-Encoding: chunked" + ctx);
      CERTGATE_FUZZ_REQUIRE(again->chunked(), "Beast does not read chunked framing" + ctx);
      break;
    case h1::BodyFraming::until_close:
      CERTGATE_FUZZ_REQUIRE(lengths == 0 && codings == 0, "a framing field on a body ended by closing" + ctx);
      CERTGATE_FUZZ_REQUIRE(!again->is_done() && !again->chunked() && !again->content_length(),
                            "Beast does not read to the close" + ctx);
      break;
    case h1::BodyFraming::none:
      if (!res.declared_length.empty()) {
        CERTGATE_FUZZ_REQUIRE(lengths == 1 && *length_value == res.declared_length,
                              "the declared length is not kept" + ctx);
      } else if (res.declared_chunked && version >= 11) {
        CERTGATE_FUZZ_REQUIRE(codings == 1 && *coding_value == "chunked", "the declared coding is not kept" + ctx);
      } else {
        CERTGATE_FUZZ_REQUIRE(lengths == 0 && codings == 0, "a framing field nobody declared" + ctx);
      }
      CERTGATE_FUZZ_REQUIRE(again->is_done(), "Beast expects a body after a bodiless head" + ctx);
      break;
  }

  // Server, Date, Via: certgate's, once each.
  CERTGATE_FUZZ_REQUIRE(fuzz::count_named(out, "Server") == 1 && *fuzz::value_of(out, "Server") == "certgate",
                        "not exactly one Server: certgate" + ctx);
  CERTGATE_FUZZ_REQUIRE(fuzz::count_named(out, "Date") == 1,
                        std::to_string(fuzz::count_named(out, "Date")) + " Date fields" + ctx);
  CERTGATE_FUZZ_REQUIRE(fuzz::count_named(out, "Via") == 1, "not exactly one Via" + ctx);
  const std::string_view via = *fuzz::value_of(out, "Via");
  CERTGATE_FUZZ_REQUIRE(via.size() >= 12 && via.substr(via.size() - 12) == "1.1 certgate",
                        "Via does not end with certgate's" + ctx);

  // Connection and Upgrade: what the framing and the client's version say; a 101 keeps the chosen protocol.
  const std::size_t connections = fuzz::count_named(out, "Connection"), upgrades = fuzz::count_named(out, "Upgrade");
  const std::string_view connection = connections ? *fuzz::value_of(out, "Connection") : std::string_view();
  if (res.upgrade) {
    CERTGATE_FUZZ_REQUIRE(connections == 1 && connection == "upgrade",
                          "a 101 without exactly Connection: upgrade" + ctx);
    CERTGATE_FUZZ_REQUIRE(upgrades == 1, std::to_string(upgrades) + " Upgrade fields on a 101" + ctx);
    const auto offered = fuzz::list_elements(x.req.upgrade);
    const std::string_view chosen = *fuzz::value_of(out, "Upgrade");
    CERTGATE_FUZZ_REQUIRE(
        std::any_of(offered.begin(), offered.end(), [&](std::string_view o) { return iequals(o, chosen); }),
        "the client is told of an upgrade to '" + printable(chosen) + "', which it did not offer" + ctx);
    return;
  }
  CERTGATE_FUZZ_REQUIRE(upgrades == 0, "Upgrade on a response that is not 101" + ctx);
  if (version >= 11) {
    CERTGATE_FUZZ_REQUIRE(cf.keep_alive ? connections == 0 : (connections == 1 && connection == "close"),
                          "Connection does not say what the framing keeps" + ctx);
  } else {
    CERTGATE_FUZZ_REQUIRE(cf.keep_alive ? (connections == 1 && connection == "keep-alive") : connections == 0,
                          "Connection does not say what the framing keeps" + ctx);
  }
  CERTGATE_FUZZ_REQUIRE(again->keep_alive() == cf.keep_alive,
                        "the client reads another keep-alive than certgate's" + ctx);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const Exchange x(data[0]);
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string wire;
  std::optional<http::response_parser<http::buffer_body>> parser;
  std::string ctx;
  // Interim heads, then the final one (src/server/exchange.cpp read_final_head()).
  for (int interim = 0;; ++interim) {
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    parser->body_limit(boost::none);
    if (x.head_request) parser->skip(true);
    boost::system::error_code ec;
    const std::size_t used = parser->put(boost::asio::buffer(input.data(), input.size()), ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec || !parser->is_header_done()) return 0;  // a 502, nothing of it rendered
    ctx = "\n  upstream head: " + printable(input.substr(0, used), 2000);
    input.remove_prefix(used);
    const http::response_header<>& up = parser->get().base();
    const unsigned code = up.result_int();
    if (code < 100 || code >= 200 || code == 101) break;
    if (interim >= kMaxInterimResponses) return 0;
    if (code == 100 || x.interim_client_version < 11) continue;
    wire = "stale bytes the render replaces";
    h1::render_interim_response(wire, up);
    check_interim(wire, up, ctx + "\n  interim head: " + printable(wire, 2000));
  }
  const http::response_header<>& up = parser->get().base();

  h1::ResponseCheck check;
  try {
    check = h1::check_response(up, x.head_request, x.req);
  } catch (const std::exception& e) {
    finding(std::string("check_response threw: ") + e.what() + ctx);
  }
  if (!check.response) {
    CERTGATE_FUZZ_REQUIRE(!check.refusal.empty(), "a refused upstream response without a reason" + ctx);
    return 0;  // a 502: nothing of the upstream's head is rendered
  }
  check_acceptance(up, *check.response, x, ctx);
  if (check.response->upgrade) {
    // As src/server/exchange.cpp renders a 101: before the tunnel, to the HTTP/1.1 client that asked for it.
    const h1::ClientFraming cf{h1::BodyFraming::none, true};
    h1::render_client_response(wire, up, *check.response, cf, 11);
    check_final(wire, up, *check.response, cf, 11, true, x, ctx);
    return 0;
  }
  for (unsigned version : {10u, 11u}) {
    for (bool keep_alive : {false, true}) {
      const h1::ClientFraming cf = h1::client_framing(*check.response, version, keep_alive);
      wire = "stale bytes the render replaces";
      h1::render_client_response(wire, up, *check.response, cf, version);
      check_final(wire, up, *check.response, cf, version, keep_alive, x, ctx);
    }
  }
  return 0;
}
