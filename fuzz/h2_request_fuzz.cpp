// libFuzzer driver: certgate's HTTP/2 request path from the bytes a client sends after the handshake to the head
// the origin receives. The input (after the client preface, which the driver adds) is fed to h2::ServerSession
// in pieces whose sizes come from byte 0; every request head the session hands out goes through
// h2::translate_request(), h2::set_body_framing(), h1::check_request() and h1::render_upstream_request(), as
// src/server/h2_request.cpp takes them. Oracles:
// - a translated head has only what RFC 9113 8.2-8.3 allows through: token names, values without
//   control characters or surrounding whitespace, no connection-specific field, TE only "trailers", one Host equal
//   to the :authority (or the host field) the stream sent;
// - the head rendered for the origin is one it can only read one way (fuzz::read_strict_head), with one Host, the
//   checked authority, and the framing certgate chose (no body, one Content-Length, or chunked), never the client's;
// - the session's own bookkeeping never breaks (no crash, no sanitizer report), whatever the frames.
#include <boost/beast/http/message.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "h2/request_head.hpp"
#include "h2/server_session.hpp"
#include "http/request_check.hpp"
#include "http/upstream_request.hpp"
#include "http_fuzz_support.hpp"

namespace {
using namespace certgate;
using certgate::fuzz::finding;
using certgate::fuzz::iequals;
namespace http = boost::beast::http;

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

bool token(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!fuzz::is_tchar(c)) return false;
  }
  return true;
}

bool clean_value(std::string_view v) {
  for (char c : v) {
    if (!fuzz::is_field_value_char(c)) return false;
  }
  return v.empty() || (v.front() != ' ' && v.front() != '\t' && v.back() != ' ' && v.back() != '\t');
}

std::string describe(const h2::Fields& fields) {
  std::string out = "\nstream fields:";
  for (const h2::Field& f : fields) out += "\n  " + fuzz::printable(f.first) + ": " + fuzz::printable(f.second);
  return out;
}

void check_translated(const h2::Fields& fields, const http::request_header<>& head) {
  const std::string ctx = describe(fields);
  std::string_view authority;
  for (const h2::Field& f : fields) {
    const bool pseudo = !f.first.empty() && f.first.front() == ':';
    CERTGATE_FUZZ_REQUIRE(pseudo || (token(f.first) && f.first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
                                                           std::string::npos),
                          "a stream field name that is not a lower-case token was translated" + ctx);
    if (f.first == ":authority" || (authority.empty() && f.first == "host")) authority = f.second;
  }
  std::size_t hosts = 0;
  for (const auto& f : head) {
    const std::string_view name = f.name_string();
    const std::string_view value = f.value();
    if (f.name() == http::field::host) {
      ++hosts;
      CERTGATE_FUZZ_REQUIRE(iequals(value, authority), "Host is not the stream's authority" + ctx);
      continue;
    }
    // (Names certgate sets itself, Cookie, are in Beast's spelling; the stream's were lower-case tokens.)
    CERTGATE_FUZZ_REQUIRE(token(name), "a field name that is not a token passed" + ctx);
    CERTGATE_FUZZ_REQUIRE(clean_value(value), "a field value with a control character or outer space passed" + ctx);
    for (std::string_view banned : {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}) {
      CERTGATE_FUZZ_REQUIRE(!iequals(name, banned), "connection-specific field '" + std::string(name) + "' passed" + ctx);
    }
    CERTGATE_FUZZ_REQUIRE(!iequals(name, "te") || value == "trailers", "TE other than trailers passed" + ctx);
    CERTGATE_FUZZ_REQUIRE(name.empty() || name.front() != ':', "a pseudo-header became a field" + ctx);
  }
  CERTGATE_FUZZ_REQUIRE(hosts == 1, "a translated head without exactly one Host" + ctx);
}

void check_rendered(const std::string& wire, const h1::CheckedRequest& req, const h2::Fields& fields) {
  const std::string ctx = describe(fields) + "\nrendered:\n" + fuzz::printable(wire);
  const fuzz::StrictHead out = fuzz::read_strict_head(wire, "upstream head", ctx);
  std::size_t hosts = 0, lengths = 0, codings = 0;
  for (const fuzz::HeadLine& l : out.fields) {
    if (iequals(l.name, "host")) ++hosts;
    if (iequals(l.name, "content-length")) ++lengths;
    if (iequals(l.name, "transfer-encoding")) ++codings;
  }
  CERTGATE_FUZZ_REQUIRE(hosts == 1, "the upstream head has not exactly one Host" + ctx);
  switch (req.framing) {
    case h1::Framing::none: CERTGATE_FUZZ_REQUIRE(lengths == 0 && codings == 0, "framing without a body" + ctx); break;
    case h1::Framing::length: CERTGATE_FUZZ_REQUIRE(lengths == 1 && codings == 0, "not one Content-Length" + ctx); break;
    case h1::Framing::chunked: CERTGATE_FUZZ_REQUIRE(lengths == 0 && codings == 1, "not exactly chunked" + ctx); break;
  }
}

struct Driver final : h2::ServerSession::Events {
  h1::HeaderRules rules = h1::HeaderRules::build(config::HeaderNames{}, {"websocket"});
  h2::ServerSession* session = nullptr;

  void on_request(std::int32_t id, h2::Fields&& fields, bool oversized, bool end_stream) override {
    if (oversized) return;
    h2::TranslatedRequest tr = h2::translate_request(fields);
    if (!tr.head) {
      CERTGATE_FUZZ_REQUIRE(tr.status == 400 || tr.status == 501, "a refusal that is not 400 or 501");
      return;
    }
    check_translated(fields, *tr.head);
    // Both framings certgate may choose: the whole body held, or not.
    for (bool complete : {true, false}) {
      http::request_header<> head = *tr.head;
      h2::set_body_framing(head, end_stream, complete, 5);
      h1::RequestCheck check = h1::check_request(head, rules, 1 << 20, "a.test");
      if (!check.request) continue;
      std::string wire;
      h1::render_upstream_request(wire, *check.request, head, rules, "", "192.0.2.10");
      check_rendered(wire, *check.request, fields);
    }
    // Answered, so that the session's sending side runs too.
    session->submit_response(id, 200, h2::Fields{{"content-type", "text/plain"}}, true);
    session->append_body(id, "ok");
    session->end_body(id);
  }
  void on_data(std::int32_t id, const std::uint8_t*, std::size_t size) override { session->consume(id, size); }
  void on_trailers(std::int32_t, h2::Fields&& fields) override {
    (void)h2::forwardable_trailers(fields, rules);
  }
  void on_end_stream(std::int32_t) override {}
  void on_close(std::int32_t, std::uint32_t, bool) override {}
  void on_body_sent(std::int32_t) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t piece = 1 + data[0] % 64;  // how the bytes arrive: pieces cut frames anywhere
  h2::SessionLimits limits;
  limits.max_header_list = 4096;
  Driver driver;
  h2::ServerSession session(limits, driver);
  driver.session = &session;
  std::string input(kPreface);
  input.append(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string out;
  for (std::size_t at = 0; at < input.size(); at += piece) {
    const std::size_t n = std::min(piece, input.size() - at);
    const bool ok = session.feed(reinterpret_cast<const std::uint8_t*>(input.data() + at), n);
    out.clear();
    session.take_output(out);
    if (!ok) break;
  }
  return 0;
}
