#include "http/upstream_request.hpp"

#include "http/identity_headers.hpp"
#include "http_test_support.hpp"

namespace certgate::h1 {
namespace {
using testing::parse_request_head;
using testing::reparse_rendered;
using testing::values;
using Strings = std::vector<std::string>;

http_id::IdentityValues edge_identity() {
  http_id::IdentityValues id;
  id.verify = "SUCCESS";
  id.identity = "edge-user";
  id.mapping = "edge";
  id.subject = "CN=edge.example.com,O=Example";
  id.issuer = "CN=CA";
  id.fingerprint = "ab12";
  id.serial = "0F";
  id.client_cert = ":AAAA:";
  id.has_cert = true;
  return id;
}

struct Rendered {
  std::string wire;
  boost::beast::http::request_header<> head;  // as the origin parses it
};

// What the origin receives for the client's raw head.
Rendered render(std::string_view raw, const config::HeaderNames& names = {},
                const http_id::IdentityValues& id = edge_identity(), std::vector<std::string> upgrades = {"websocket"},
                std::string_view request_id = "0123456789abcdef0123456789abcdef") {
  const HeaderRules rules = HeaderRules::build(names, upgrades);
  const auto head = parse_request_head(raw);
  RequestCheck check = check_request(head, rules, 1 << 20, "a.test");
  EXPECT_TRUE(check.request) << check.refusal.reason;
  Rendered out;
  if (!check.request) return out;
  out.wire = "stale bytes the render replaces";
  render_upstream_request(out.wire, *check.request, head, rules, render_identity_block(names, id), "10.0.0.1",
                          names.request_id, request_id);
  out.head = reparse_rendered(out.wire);
  return out;
}

TEST(UpstreamRequest, RequestLineHostAndForwardingHeaders) {
  Rendered r = render("GET /path?q=1 HTTP/1.0\r\nHost: a.test:8443\r\nX-Forwarded-For: 198.51.100.7\r\n"
                      "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: http\r\nVia: 1.1 edge\r\n\r\n");
  EXPECT_EQ(r.wire.rfind("GET /path?q=1 HTTP/1.1\r\nHost: a.test:8443\r\n", 0), 0u) << r.wire;
  EXPECT_EQ(values(r.head, "X-Forwarded-For"), Strings{"198.51.100.7, 203.0.113.9, 10.0.0.1"});
  EXPECT_EQ(values(r.head, "X-Forwarded-Proto"), Strings{"https"});
  EXPECT_EQ(values(r.head, "Via"), Strings{"1.1 edge, 1.1 certgate"});
  EXPECT_EQ(values(r.head, "Host"), Strings{"a.test:8443"});
}

TEST(UpstreamRequest, AbsoluteFormBecomesOriginFormWithTheTargetsHost) {
  Rendered r = render("GET https://b.test/x HTTP/1.1\r\nHost: a.test\r\n\r\n");
  EXPECT_EQ(r.wire.rfind("GET /x HTTP/1.1\r\nHost: b.test\r\n", 0), 0u) << r.wire;
  EXPECT_EQ(values(r.head, "Host"), Strings{"b.test"});
}

TEST(UpstreamRequest, IdentityBlockFollowsTheConfiguredNamesAndSkipsEmptyOnes) {
  config::HeaderNames names;
  names.client_cert = "";
  names.identity = "X-Edge-User";
  EXPECT_EQ(render_identity_block(names, edge_identity()),
            "X-Client-Verify: SUCCESS\r\nX-Edge-User: edge-user\r\nX-Client-Mapping: edge\r\n"
            "X-Client-Cert-Subject: CN=edge.example.com,O=Example\r\nX-Client-Cert-Issuer: CN=CA\r\n"
            "X-Client-Cert-Fingerprint: ab12\r\nX-Client-Cert-Serial: 0F\r\n");
}

TEST(UpstreamRequest, IdentityValuesCannotEndTheirLine) {
  http_id::IdentityValues id = edge_identity();
  id.identity = "evil\r\nX-Client-Identity: admin";
  id.mapping = std::string("a\0b", 3);
  const std::string block = render_identity_block(config::HeaderNames{}, id);
  EXPECT_NE(block.find("X-Client-Identity: evil\\x0D\\x0AX-Client-Identity: admin\r\n"), std::string::npos) << block;
  EXPECT_NE(block.find("X-Client-Mapping: a\\x00b\r\n"), std::string::npos) << block;
}

TEST(UpstreamRequest, InboundIdentityHeadersAreReplacedUnderEverySpelling) {
  Rendered r = render("GET / HTTP/1.1\r\nHost: a\r\nX-Client-Identity: admin\r\nx-client-identity: root\r\n"
                      "X_Client_Identity: admin\r\nx_CLIENT-identity: admin\r\nX-Client-Verify: SUCCESS\r\n"
                      "Client-Cert: :forged:\r\nClient_Cert: :forged:\r\nClient-Cert-Chain: :forged:\r\n"
                      "X-Client-Cert-Fingerprint: forged\r\nX-Forwarded-Host: evil\r\nForwarded: for=1.2.3.4\r\n"
                      "X-Real-IP: 1.2.3.4\r\nX_Forwarded_For: 1.2.3.4\r\nX-Forwarded-Proto: http\r\n\r\n");
  EXPECT_EQ(values(r.head, "X-Client-Identity"), Strings{"edge-user"});
  EXPECT_EQ(values(r.head, "X_Client_Identity"), Strings{});
  EXPECT_EQ(values(r.head, "x_CLIENT-identity"), Strings{});
  EXPECT_EQ(values(r.head, "Client-Cert"), Strings{":AAAA:"});
  EXPECT_EQ(values(r.head, "Client_Cert"), Strings{});
  EXPECT_EQ(values(r.head, "Client-Cert-Chain"), Strings{});
  EXPECT_EQ(values(r.head, "X-Client-Cert-Fingerprint"), Strings{"ab12"});
  EXPECT_EQ(values(r.head, "X-Client-Verify"), Strings{"SUCCESS"});
  EXPECT_EQ(values(r.head, "X-Forwarded-Host"), Strings{});
  EXPECT_EQ(values(r.head, "Forwarded"), Strings{});
  EXPECT_EQ(values(r.head, "X-Real-IP"), Strings{"10.0.0.1"});  // certgate's own
  EXPECT_EQ(values(r.head, "X_Forwarded_For"), Strings{});
  EXPECT_EQ(values(r.head, "X-Forwarded-For"), Strings{"10.0.0.1"});
  EXPECT_EQ(values(r.head, "X-Forwarded-Proto"), Strings{"https"});
}

TEST(UpstreamRequest, AnonymousRequestCarriesNoIdentityAndNoSpoofedOne) {
  http_id::IdentityValues anon;
  anon.verify = "NONE";
  Rendered r = render("GET / HTTP/1.1\r\nHost: a\r\nX-Client-Identity: admin\r\nX-Client-Cert-Subject: CN=admin\r\n\r\n",
                      {}, anon);
  EXPECT_TRUE(values(r.head, "X-Client-Identity").empty());
  EXPECT_TRUE(values(r.head, "X-Client-Cert-Subject").empty());
  EXPECT_EQ(values(r.head, "X-Client-Verify"), Strings{"NONE"});
}

TEST(UpstreamRequest, RenamedAndExtraStrippedNamesAreStrippedUnderEverySpelling) {
  config::HeaderNames names;
  names.identity = "X-Edge-User";
  names.strip = {"X-Internal-Auth"};
  Rendered r = render("GET / HTTP/1.1\r\nHost: a\r\nX-Edge-User: admin\r\nX-Client-Identity: admin\r\n"
                      "X-Internal-Auth: yes\r\nx-internal-auth: yes\r\n\r\n",
                      names);
  EXPECT_EQ(values(r.head, "X-Edge-User"), Strings{"edge-user"});
  // The default name is stripped too: an origin still reading it must not see a forged value.
  EXPECT_TRUE(values(r.head, "X-Client-Identity").empty());
  EXPECT_TRUE(values(r.head, "X-Internal-Auth").empty());
}

TEST(UpstreamRequest, RequestIdIsCertgatesAloneUnderEverySpelling) {
  const std::string_view raw = "GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: forged\r\nx-request-id: forged2\r\n"
                               "X-REQUEST-ID: forged3\r\nCF-Ray: 8f1e-FRA\r\n\r\n";
  Rendered r = render(raw);
  EXPECT_EQ(values(r.head, "X-Request-Id"), Strings{"0123456789abcdef0123456789abcdef"});
  EXPECT_EQ(values(r.head, "CF-Ray"), Strings{"8f1e-FRA"});  // the edge's own header passes as it came

  config::HeaderNames renamed;
  renamed.request_id = "X-Correlation-Id";
  r = render("GET / HTTP/1.1\r\nHost: a\r\nX-Correlation-Id: forged\r\nX-Request-Id: forged\r\n\r\n", renamed);
  EXPECT_EQ(values(r.head, "X-Correlation-Id"), Strings{"0123456789abcdef0123456789abcdef"});
  EXPECT_TRUE(values(r.head, "X-Request-Id").empty());  // the default name stays stripped

  config::HeaderNames off;
  off.request_id = "";
  r = render(raw, off);
  EXPECT_TRUE(values(r.head, "X-Request-Id").empty());  // not sent, and no client's copy either
}

TEST(UpstreamRequest, NamesWithUnderscoresAreDroppedUnlessKept) {
  const std::string raw = "GET / HTTP/1.1\r\nHost: a\r\nX_Custom: 1\r\nX-Other: 2\r\n\r\n";
  Rendered dropped = render(raw);
  EXPECT_TRUE(values(dropped.head, "X_Custom").empty());
  EXPECT_EQ(values(dropped.head, "X-Other"), Strings{"2"});
  config::HeaderNames keep;
  keep.keep_underscores = true;
  Rendered kept = render(raw, keep);
  EXPECT_EQ(values(kept.head, "X_Custom"), Strings{"1"});
}

TEST(UpstreamRequest, ConnectionNeverDropsFramingHostOrIdentity) {
  // The smuggling of a second request: Connection names Content-Length, so a gateway that drops it but relays
  // the body gives the origin a second request made of the body.
  Rendered r = render("POST / HTTP/1.1\r\nHost: a\r\nConnection: content-length, host, x-client-identity, X-Secret\r\n"
                      "Content-Length: 44\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n\r\n");
  EXPECT_EQ(values(r.head, "Content-Length"), Strings{"44"});
  EXPECT_EQ(values(r.head, "Host"), Strings{"a"});
  EXPECT_EQ(values(r.head, "X-Client-Identity"), Strings{"edge-user"});
  EXPECT_TRUE(values(r.head, "X-Secret").empty());
  EXPECT_TRUE(values(r.head, "Connection").empty());
  EXPECT_TRUE(values(r.head, "Keep-Alive").empty());
  EXPECT_TRUE(values(r.head, "TE").empty());
}

TEST(UpstreamRequest, FramingIsRenderedFromTheCheck) {
  Rendered chunked = render("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n");
  EXPECT_EQ(values(chunked.head, "Transfer-Encoding"), Strings{"chunked"});
  EXPECT_TRUE(values(chunked.head, "Content-Length").empty());
  Rendered length = render("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0012\r\n\r\n");
  EXPECT_EQ(values(length.head, "Content-Length"), Strings{"12"});
  Rendered none = render("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_TRUE(values(none.head, "Content-Length").empty());
  EXPECT_TRUE(values(none.head, "Expect").empty());
}

TEST(UpstreamRequest, UpgradeOnlyForAllowedProtocols) {
  Rendered ws = render("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
                       "Sec-WebSocket-Key: k\r\n\r\n");
  EXPECT_EQ(values(ws.head, "Upgrade"), Strings{"websocket"});
  EXPECT_EQ(values(ws.head, "Connection"), Strings{"upgrade"});
  EXPECT_EQ(values(ws.head, "Sec-WebSocket-Key"), Strings{"k"});
  Rendered h2c = render("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                        "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
  EXPECT_TRUE(values(h2c.head, "Upgrade").empty());
  EXPECT_TRUE(values(h2c.head, "HTTP2-Settings").empty());
  EXPECT_TRUE(values(h2c.head, "Connection").empty());
}

// [headers] client_ip_from: forwarded, and its address written, only when the caller (the verified edge) took it.
TEST(UpstreamRequest, ClientIpFieldOnlyFromTheVerifiedEdge) {
  config::HeaderNames names;
  names.keep_underscores = true;  // the other spelling is dropped as the field's, not for its '_'
  const HeaderRules rules = HeaderRules::build(names, {});
  const auto head = parse_request_head("GET / HTTP/1.1\r\nHost: a\r\nCF-Connecting-IP: 203.0.113.7\r\n"
                                       "cf_connecting_ip: 198.51.100.1\r\nX-Real-IP: 192.0.2.1\r\n\r\n");
  RequestCheck check = check_request(head, rules, 1 << 20, "a");
  ASSERT_TRUE(check.request);
  std::string wire;
  render_upstream_request(wire, *check.request, head, rules, "", "10.0.0.1");
  auto other = reparse_rendered(wire);
  EXPECT_EQ(values(other, "CF-Connecting-IP"), Strings{});
  EXPECT_EQ(values(other, "cf_connecting_ip"), Strings{});
  EXPECT_EQ(values(other, "X-Real-IP"), Strings{"10.0.0.1"});
  EXPECT_EQ(values(other, "X-Forwarded-For"), Strings{"10.0.0.1"});
  render_upstream_request(wire, *check.request, head, rules, "", "203.0.113.7", {}, {}, true);
  auto edge = reparse_rendered(wire);
  EXPECT_EQ(values(edge, "CF-Connecting-IP"), Strings{"203.0.113.7"});
  EXPECT_EQ(values(edge, "cf_connecting_ip"), Strings{});
  EXPECT_EQ(values(edge, "X-Real-IP"), Strings{"203.0.113.7"});  // the inbound X-Real-IP never passes
  EXPECT_EQ(values(edge, "X-Forwarded-For"), Strings{"203.0.113.7"});
}

}  // namespace
}  // namespace certgate::h1
