#include "proxy/header_policy.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace certgate::proxy {
namespace {
namespace http = boost::beast::http;

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

std::vector<std::string> values(const http::fields& h, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& f : h)
    if (boost::beast::iequals(f.name_string(), name)) out.emplace_back(f.value());
  return out;
}

// The head the upstream receives, as the upstream parses it.
http::request_header<> upstream_head(const http::fields& inbound, const config::HeaderNames& names,
                                     const http_id::IdentityValues& id, std::string_view client_ip, bool upgrade,
                                     std::string* wire = nullptr) {
  http::request_header<> req;
  req.method(http::verb::get);
  req.target("/path?q=1");
  req.version(10);
  for (const auto& f : inbound) req.insert(f.name_string(), f.value());
  std::string out = "stale bytes the render replaces";
  render_upstream_request(out, req, names, render_identity_block(names, id), client_ip, upgrade);
  if (wire) *wire = out;
  http::request_parser<http::string_body> parser;
  boost::system::error_code ec;
  parser.eager(true);
  parser.put(boost::asio::buffer(out), ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << out;
  EXPECT_TRUE(parser.is_header_done()) << out;
  return parser.get().base();
}

void prepare_upstream_request(http::fields& h, const config::HeaderNames& names, const http_id::IdentityValues& id,
                              std::string_view client_ip, bool upgrade) {
  http::request_header<> parsed = upstream_head(h, names, id, client_ip, upgrade);
  h.clear();
  for (const auto& f : parsed) h.insert(f.name_string(), f.value());
}

TEST(HeaderPolicy, RequestLineIsHttp11WithTheTargetUnchanged) {
  std::string wire;
  upstream_head(http::fields{}, config::HeaderNames{}, edge_identity(), "10.0.0.1", false, &wire);
  EXPECT_EQ(wire.rfind("GET /path?q=1 HTTP/1.1\r\n", 0), 0u) << wire;
  EXPECT_EQ(wire.substr(wire.size() - 4), "\r\n\r\n");
}

TEST(HeaderPolicy, IdentityBlockFollowsTheConfiguredNamesAndSkipsEmptyOnes) {
  config::HeaderNames names;
  names.client_cert = "";
  names.identity = "X-Edge-User";
  EXPECT_EQ(render_identity_block(names, edge_identity()),
            "X-Client-Verify: SUCCESS\r\nX-Edge-User: edge-user\r\nX-Client-Mapping: edge\r\n"
            "X-Client-Cert-Subject: CN=edge.example.com,O=Example\r\nX-Client-Cert-Issuer: CN=CA\r\n"
            "X-Client-Cert-Fingerprint: ab12\r\nX-Client-Cert-Serial: 0F\r\n");
}

TEST(HeaderPolicy, InboundIdentityHeadersAreReplacedNotAppended) {
  http::fields h;
  h.insert("X-Client-Identity", "admin");
  h.insert("x-client-identity", "root");
  h.insert("X-Client-Verify", "SUCCESS");
  h.insert("Client-Cert", ":forged:");
  h.insert("X-Client-Cert-Fingerprint", "forged");
  prepare_upstream_request(h, config::HeaderNames{}, edge_identity(), "10.0.0.1", false);
  EXPECT_EQ(values(h, "X-Client-Identity"), std::vector<std::string>{"edge-user"});
  EXPECT_EQ(values(h, "Client-Cert"), std::vector<std::string>{":AAAA:"});
  EXPECT_EQ(values(h, "X-Client-Cert-Fingerprint"), std::vector<std::string>{"ab12"});
  EXPECT_EQ(values(h, "X-Client-Mapping"), std::vector<std::string>{"edge"});
}

TEST(HeaderPolicy, AnonymousRequestCarriesNoIdentityAndNoSpoofedOne) {
  http::fields h;
  h.insert("X-Client-Identity", "admin");
  h.insert("X-Client-Cert-Subject", "CN=admin");
  http_id::IdentityValues anon;
  anon.verify = "NONE";
  prepare_upstream_request(h, config::HeaderNames{}, anon, "127.0.0.1", false);
  EXPECT_TRUE(values(h, "X-Client-Identity").empty());
  EXPECT_TRUE(values(h, "X-Client-Cert-Subject").empty());
  EXPECT_EQ(values(h, "X-Client-Verify"), std::vector<std::string>{"NONE"});
}

TEST(HeaderPolicy, RenamedHeadersAreStrippedUnderBothNames) {
  config::HeaderNames names;
  names.identity = "X-Edge-User";
  http::fields h;
  h.insert("X-Edge-User", "admin");
  h.insert("X-Client-Identity", "admin");
  prepare_upstream_request(h, names, edge_identity(), "127.0.0.1", false);
  EXPECT_EQ(values(h, "X-Edge-User"), std::vector<std::string>{"edge-user"});
  // The default name is stripped too: an origin still reading it must not see a forged value.
  EXPECT_TRUE(values(h, "X-Client-Identity").empty());
}

TEST(HeaderPolicy, ForwardedForIsAppendedAndProtoSet) {
  http::fields h;
  h.insert("X-Forwarded-For", "198.51.100.7");
  h.insert("X-Forwarded-For", "203.0.113.9");
  h.insert("X-Forwarded-Proto", "http");
  prepare_upstream_request(h, config::HeaderNames{}, edge_identity(), "127.0.0.1", false);
  EXPECT_EQ(values(h, "X-Forwarded-For"), std::vector<std::string>{"198.51.100.7, 203.0.113.9, 127.0.0.1"});
  EXPECT_EQ(values(h, "X-Forwarded-Proto"), std::vector<std::string>{"https"});
}

TEST(HeaderPolicy, HopByHopHeadersAndConnectionTokensAreRemoved) {
  http::fields h;
  h.insert(http::field::connection, "keep-alive, X-Secret");
  h.insert("X-Secret", "1");
  h.insert(http::field::keep_alive, "timeout=5");
  h.insert(http::field::te, "trailers");
  h.insert(http::field::upgrade, "websocket");
  h.insert(http::field::expect, "100-continue");
  h.insert("X-Kept", "yes");
  prepare_upstream_request(h, config::HeaderNames{}, edge_identity(), "127.0.0.1", false);
  EXPECT_TRUE(values(h, "X-Secret").empty());
  EXPECT_TRUE(values(h, "Keep-Alive").empty());
  EXPECT_TRUE(values(h, "TE").empty());
  EXPECT_TRUE(values(h, "Upgrade").empty());
  EXPECT_TRUE(values(h, "Expect").empty());
  EXPECT_EQ(values(h, "X-Kept"), std::vector<std::string>{"yes"});
}

TEST(HeaderPolicy, UpgradeKeepsUpgradeAndConnection) {
  http::fields h;
  h.insert(http::field::connection, "Upgrade");
  h.insert(http::field::upgrade, "websocket");
  prepare_upstream_request(h, config::HeaderNames{}, edge_identity(), "127.0.0.1", true);
  EXPECT_EQ(values(h, "Upgrade"), std::vector<std::string>{"websocket"});
  EXPECT_EQ(values(h, "Connection"), std::vector<std::string>{"upgrade"});
}

// The head the client receives, as the client parses it.
std::string client_head(const http::fields& upstream, unsigned version, bool keep_alive, bool upgrade,
                        unsigned status = 200, std::string_view reason = "OK") {
  http::response_header<> res;
  res.result(status);
  res.reason(reason);
  res.version(11);
  for (const auto& f : upstream) res.insert(f.name_string(), f.value());
  std::string out;
  render_client_response(out, res, version, keep_alive, upgrade);
  return out;
}

TEST(HeaderPolicy, ResponseKeepsEndToEndHeadersAndDropsHopByHop) {
  http::fields h;
  h.insert(http::field::content_type, "text/plain");
  h.insert(http::field::content_length, "5");
  h.insert(http::field::connection, "keep-alive, X-Internal");
  h.insert("X-Internal", "secret");
  h.insert(http::field::keep_alive, "timeout=5");
  h.insert(http::field::server, "nginx/1.22");
  h.insert("Set-Cookie", "a=1");
  h.insert("Set-Cookie", "b=2");
  EXPECT_EQ(client_head(h, 11, true, false),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\n"
            "Set-Cookie: b=2\r\nServer: certgate\r\n\r\n");
}

TEST(HeaderPolicy, ResponseConnectionHeaderSaysKeepAliveInTheClientsVersion) {
  http::fields none;
  EXPECT_NE(client_head(none, 11, false, false).find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_EQ(client_head(none, 11, true, false).find("Connection:"), std::string::npos);
  const std::string http10 = client_head(none, 10, true, false);
  EXPECT_EQ(http10.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(http10.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(client_head(none, 10, false, false).find("Connection:"), std::string::npos);
}

TEST(HeaderPolicy, ResponseWithoutReasonGetsTheStandardOne) {
  EXPECT_EQ(client_head(http::fields{}, 11, true, false, 404, "").rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_EQ(client_head(http::fields{}, 11, true, false, 299, "Custom").rfind("HTTP/1.1 299 Custom\r\n", 0), 0u);
}

TEST(HeaderPolicy, SwitchingProtocolsKeepsUpgrade) {
  http::fields h;
  h.insert(http::field::upgrade, "websocket");
  h.insert(http::field::connection, "Upgrade");
  h.insert("Sec-WebSocket-Accept", "abc=");
  const std::string head = client_head(h, 11, true, true, 101, "Switching Protocols");
  EXPECT_NE(head.find("\r\nUpgrade: websocket\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nConnection: upgrade\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nSec-WebSocket-Accept: abc=\r\n"), std::string::npos) << head;
}

}  // namespace
}  // namespace certgate::proxy
