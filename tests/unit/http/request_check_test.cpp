#include "http/request_check.hpp"

#include <deque>

#include "http_test_support.hpp"

namespace certgate::h1 {
namespace {
using testing::parse_request_head;

constexpr std::uint64_t kMaxBody = 1000;

HeaderRules default_rules() { return HeaderRules::build(config::HeaderNames{}, {"websocket"}); }

// The checked request views into its head: the heads live as long as the test program.
RequestCheck check(std::string_view raw, std::string_view sni = "a.test") {
  static const HeaderRules rules = default_rules();
  static std::deque<boost::beast::http::request_header<>> heads;
  heads.push_back(parse_request_head(raw));
  return check_request(heads.back(), rules, kMaxBody, sni);
}

CheckedRequest accepted(std::string_view raw) {
  RequestCheck r = check(raw);
  EXPECT_TRUE(r.request) << "refused " << r.refusal.status << " " << r.refusal.reason << ":\n" << raw;
  return r.request ? *r.request : CheckedRequest{};
}

void refused(std::string_view raw, int status) {
  RequestCheck r = check(raw);
  EXPECT_FALSE(r.request) << "accepted:\n" << raw;
  if (!r.request) {
    EXPECT_EQ(r.refusal.status, status) << r.refusal.reason << "\n" << raw;
    EXPECT_FALSE(r.refusal.reason.empty());
  }
}

TEST(RequestCheck, PlainGetIsOriginFormWithHostAsAuthority) {
  CheckedRequest r = accepted("GET /a?b=1 HTTP/1.1\r\nHost: A.Test:8443\r\n\r\n");
  EXPECT_EQ(r.target(), "/a?b=1");
  EXPECT_EQ(r.authority.host, "A.Test");
  EXPECT_EQ(r.authority.port, 8443);
  EXPECT_EQ(r.framing, Framing::none);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_TRUE(r.retry_safe);
  EXPECT_TRUE(r.upgrade.empty());
}

TEST(RequestCheck, AbsoluteFormAuthorityWinsOverHost) {
  CheckedRequest r = accepted("GET https://b.test/x?y HTTP/1.1\r\nHost: a.test\r\n\r\n");
  EXPECT_EQ(r.authority.host, "b.test");
  EXPECT_EQ(r.target(), "/x?y");
  CheckedRequest bare = accepted("GET http://b.test HTTP/1.1\r\nHost: a.test\r\n\r\n");
  EXPECT_EQ(bare.target(), "/");
  CheckedRequest query = accepted("GET HTTPS://b.test:444?q HTTP/1.1\r\nHost: a.test\r\n\r\n");
  EXPECT_EQ(query.target(), "/?q");
  EXPECT_EQ(query.authority.port, 444);
}

TEST(RequestCheck, AmbiguousAuthorityIsRefused) {
  refused("GET / HTTP/1.1\r\n\r\n", 400);                                   // no Host on HTTP/1.1
  refused("GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n", 400);  // two Host fields
  refused("GET / HTTP/1.1\r\nHost: a.test\r\nhost: a.test\r\n\r\n", 400);  // even equal ones
  refused("GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n", 400);
  refused("GET / HTTP/1.1\r\nHost: a.test, b.test\r\n\r\n", 400);
  refused("GET / HTTP/1.1\r\nHost: user@a.test\r\n\r\n", 400);
  refused("GET / HTTP/1.1\r\nHost: \r\n\r\n", 400);
  refused("GET http://user@b.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n", 400);
  refused("GET http:///x HTTP/1.1\r\nHost: a.test\r\n\r\n", 400);
  refused("GET ftp://b.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n", 400);
  refused("GET a.test:443 HTTP/1.1\r\nHost: a.test\r\n\r\n", 400);  // authority-form
  refused("GET * HTTP/1.1\r\nHost: a.test\r\n\r\n", 400);
  refused("GET /a#frag HTTP/1.1\r\nHost: a.test\r\n\r\n", 400);
  refused("GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a.test\r\n\r\n", 400);
  refused("CONNECT a.test:443 HTTP/1.1\r\nHost: a.test\r\n\r\n", 501);
  EXPECT_EQ(accepted("OPTIONS * HTTP/1.1\r\nHost: a.test\r\n\r\n").target(), "*");
}

TEST(RequestCheck, Http10WithoutHostUsesTheSni) {
  CheckedRequest r = accepted("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.authority.host, "a.test");
  EXPECT_FALSE(r.keep_alive);
  RequestCheck no_sni = check("GET / HTTP/1.0\r\n\r\n", "");
  EXPECT_FALSE(no_sni.request);
  EXPECT_TRUE(accepted("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
}

TEST(RequestCheck, ContentLengthMustBeOneNumber) {
  CheckedRequest r = accepted("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(r.framing, Framing::length);
  EXPECT_EQ(r.length, 5u);
  EXPECT_FALSE(r.retry_safe);
  EXPECT_EQ(accepted("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").framing, Framing::none);
  EXPECT_EQ(accepted("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n").length, 7u);
  refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400);
  refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", 400);
  refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n", 413);
}

TEST(RequestCheck, TransferEncodingMustBeExactlyChunked) {
  CheckedRequest r = accepted("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(r.framing, Framing::chunked);
  EXPECT_EQ(accepted("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ChUnKeD\r\n\r\n").framing, Framing::chunked);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 400);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", 501);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;x=1\r\n\r\n", 400);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked,\r\n\r\n", 400);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n", 400);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", 400);
  refused("POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
}

TEST(RequestCheck, TransferEncodingWithContentLengthIsRefusedByTheParserOrTheCheck) {
  // Beast already refuses the pair; whichever reads it, the request never goes on.
  boost::system::error_code ec;
  auto head = parse_request_head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", &ec);
  if (!ec) {
    EXPECT_FALSE(check_request(head, default_rules(), kMaxBody, "a").request);
  }
  auto gz = parse_request_head("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\n", &ec);
  if (!ec) {
    EXPECT_FALSE(check_request(gz, default_rules(), kMaxBody, "a").request);
  }
}

TEST(RequestCheck, ExpectAndVersions) {
  EXPECT_TRUE(accepted("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n").expect_continue);
  // Nothing to continue without a body; an HTTP/1.0 client's expectation is ignored (RFC 9110 10.1.1).
  EXPECT_FALSE(accepted("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n").expect_continue);
  EXPECT_FALSE(accepted("PUT / HTTP/1.0\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n").expect_continue);
  EXPECT_FALSE(accepted("PUT / HTTP/1.0\r\nHost: a\r\nExpect: x\r\nContent-Length: 3\r\n\r\n").expect_continue);
  refused("PUT / HTTP/1.1\r\nHost: a\r\nExpect: something-else\r\nContent-Length: 3\r\n\r\n", 417);
  refused("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", 417);
}

TEST(RequestCheck, OnlyConfiguredProtocolsAreUpgraded) {
  EXPECT_EQ(accepted("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n").upgrade,
            "websocket");
  EXPECT_EQ(accepted("GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: h2c, WebSocket\r\n\r\n").upgrade,
            "WebSocket");
  EXPECT_TRUE(accepted("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                       "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
                  .upgrade.empty());
  EXPECT_TRUE(accepted("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n").upgrade.empty());  // no Connection
  EXPECT_TRUE(accepted("GET / HTTP/1.0\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n").upgrade.empty());
  EXPECT_TRUE(accepted("POST / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\nContent-Length: 2\r\n\r\n")
                  .upgrade.empty());
}

TEST(HeaderRules, ReservedNamesFoldCaseAndUnderscore) {
  config::HeaderNames names;
  names.identity = "X-Edge-User";
  names.strip = {"X-Internal-Auth"};
  const HeaderRules rules = HeaderRules::build(names, {});
  for (std::string_view n : {"X-Edge-User", "x_edge_user", "X-Client-Identity", "X_Client_Identity", "x-client-IDENTITY",
                             "Client-Cert", "client_cert", "Client-Cert-Chain", "X-Forwarded-Host", "Forwarded",
                             "X-Real-IP", "x_real_ip", "X_Forwarded_For", "Content_Length", "Transfer_Encoding",
                             "X-Internal-Auth", "x_internal_auth"}) {
    EXPECT_TRUE(rules.is_reserved(n)) << n;
  }
  for (std::string_view n : {"X-Client-Identityx", "Accept", "X-Client", "Cookie", "CF-Connecting-IP"}) {
    EXPECT_FALSE(rules.is_reserved(n)) << n;
  }
  EXPECT_TRUE(rules.drops_underscores());
}

}  // namespace
}  // namespace certgate::h1
