#include "http/client_response.hpp"

#include "http_test_support.hpp"

namespace certgate::h1 {
namespace {
using testing::parse_request_head;
using testing::parse_response_head;
using testing::values;
using Strings = std::vector<std::string>;

CheckedRequest get_request(std::string upgrade = {}) {
  CheckedRequest r;
  r.method = "GET";
  r.origin_target = "/";
  r.upgrade = std::move(upgrade);
  return r;
}

ResponseCheck check(std::string_view raw, bool head_request = false, const CheckedRequest& req = get_request()) {
  return check_response(parse_response_head(raw, head_request), head_request, req);
}

void bad_gateway(std::string_view raw, const CheckedRequest& req = get_request()) {
  ResponseCheck r = check(raw, false, req);
  EXPECT_FALSE(r.response) << "relayed:\n" << raw;
  if (!r.response) EXPECT_FALSE(r.refusal.empty());
}

std::string render(std::string_view raw, unsigned client_version, bool keep_alive, bool head_request = false) {
  auto head = parse_response_head(raw, head_request);
  ResponseCheck r = check_response(head, head_request, get_request());
  EXPECT_TRUE(r.response) << r.refusal;
  if (!r.response) return {};
  std::string out = "stale";
  render_client_response(out, head, *r.response, client_framing(*r.response, client_version, keep_alive), client_version);
  return out;
}

TEST(ClientResponse, FramingOfTheUpstreamBody) {
  EXPECT_EQ(check("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n").response->framing, BodyFraming::length);
  EXPECT_EQ(check("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").response->framing, BodyFraming::length);
  EXPECT_EQ(check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").response->framing, BodyFraming::chunked);
  EXPECT_EQ(check("HTTP/1.1 200 OK\r\n\r\n").response->framing, BodyFraming::until_close);
  EXPECT_EQ(check("HTTP/1.1 204 No Content\r\n\r\n").response->framing, BodyFraming::none);
  EXPECT_EQ(check("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n").response->framing, BodyFraming::none);
  EXPECT_EQ(check("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", true).response->framing, BodyFraming::none);
}

TEST(ClientResponse, AmbiguousUpstreamResponsesAreBadGateways) {
  bad_gateway("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n");
  bad_gateway("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n");
  bad_gateway("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
  bad_gateway("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  bad_gateway("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  bad_gateway("HTTP/1.1 099 Weird\r\n\r\n");
  bad_gateway("HTTP/1.1 600 Weird\r\n\r\n");
  bad_gateway("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
  bad_gateway("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: upgrade\r\n\r\n", get_request("websocket"));
  EXPECT_TRUE(check("HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: upgrade\r\n\r\n", false,
                    get_request("websocket"))
                  .response->upgrade);
}

TEST(ClientResponse, EndToEndFieldsKeptHopByHopDroppedOwnFieldsAdded) {
  const std::string out = render("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: keep-alive, X-Hop\r\n"
                                 "X-Hop: 1\r\nKeep-Alive: timeout=5\r\nServer: origin/1.0\r\nVia: 1.1 origin-cache\r\n"
                                 "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 3\r\n\r\n",
                                 11, true);
  auto head = parse_response_head(out);
  EXPECT_EQ(values(head, "Content-Type"), Strings{"text/plain"});
  EXPECT_EQ(values(head, "Set-Cookie"), (Strings{"a=1", "b=2"}));
  EXPECT_TRUE(values(head, "X-Hop").empty());
  EXPECT_TRUE(values(head, "Keep-Alive").empty());
  EXPECT_TRUE(values(head, "Connection").empty());
  EXPECT_EQ(values(head, "Server"), Strings{"certgate"});
  EXPECT_EQ(values(head, "Via"), Strings{"1.1 origin-cache, 1.1 certgate"});
  EXPECT_EQ(values(head, "Content-Length"), Strings{"3"});
  EXPECT_EQ(values(head, "Date").size(), 1u);  // added when the upstream sent none
}

TEST(ClientResponse, ConnectionAndFramingInTheClientsVersion) {
  EXPECT_EQ(values(parse_response_head(render("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 11, false)), "Connection"),
            Strings{"close"});
  EXPECT_EQ(values(parse_response_head(render("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 10, true)), "Connection"),
            Strings{"keep-alive"});
  // A chunked body reaches an HTTP/1.0 client as plain bytes ended by closing.
  const std::string to10 = render("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 10, true);
  EXPECT_EQ(to10.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << to10;
  EXPECT_EQ(to10.find("Transfer-Encoding"), std::string::npos) << to10;
  EXPECT_EQ(to10.find("Connection: keep-alive"), std::string::npos) << to10;
  // Ended by the upstream closing: the client is closed too.
  const std::string until_close = render("HTTP/1.1 200 OK\r\n\r\n", 11, true);
  EXPECT_NE(until_close.find("Connection: close\r\n"), std::string::npos) << until_close;
  // A HEAD response keeps the length it declares.
  const std::string head = render("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", 11, true, true);
  EXPECT_NE(head.find("Content-Length: 1234\r\n"), std::string::npos) << head;
}

TEST(ClientResponse, SwitchingProtocolsKeepsTheUpgradeItsConnectionLists) {
  // Every 101 lists "upgrade" in its Connection; the Upgrade field is still the client's to read (RFC 9110 7.8,
  // RFC 6455 4.1: a WebSocket client fails a 101 without it).
  auto up = parse_response_head("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  ResponseCheck r = check_response(up, false, get_request("websocket"));
  ASSERT_TRUE(r.response) << r.refusal;
  std::string out;
  render_client_response(out, up, *r.response, ClientFraming{BodyFraming::none, true}, 11);
  auto head = parse_response_head(out);
  EXPECT_EQ(values(head, "Upgrade"), Strings{"websocket"}) << out;
  EXPECT_EQ(values(head, "Connection"), Strings{"upgrade"}) << out;
  EXPECT_EQ(values(head, "Sec-WebSocket-Accept"), Strings{"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}) << out;
}

TEST(ClientResponse, SwitchingProtocolsWithTwoUpgradeFieldsIsABadGateway) {
  // Which protocol was chosen would be the client's guess.
  bad_gateway("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
              get_request("websocket, h2c"));
  bad_gateway("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
              get_request("websocket"));
}

TEST(ClientResponse, SwitchingProtocolsWithAMalformedUpgradeListIsABadGateway) {
  // The field would reach the client as it came, which a strict client does not read as "websocket".
  bad_gateway("HTTP/1.1 101 Switching Protocols\r\nUpgrade: , websocket\r\nConnection: upgrade\r\n\r\n",
              get_request("websocket"));
  bad_gateway("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket,\r\nConnection: upgrade\r\n\r\n",
              get_request("websocket"));
}

TEST(ClientResponse, OnlyTheFirstDateIsKept) {
  const std::string out = render("HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
                                 "Date: Tue, 02 Jan 2024 00:00:00 GMT\r\nContent-Length: 0\r\n\r\n",
                                 11, true);
  EXPECT_EQ(values(parse_response_head(out), "Date"), Strings{"Mon, 01 Jan 2024 00:00:00 GMT"}) << out;
}

TEST(ClientResponse, ReasonPhraseKeptOrStandard) {
  EXPECT_EQ(render("HTTP/1.1 404 Nope\r\nContent-Length: 0\r\n\r\n", 11, true).rfind("HTTP/1.1 404 Nope\r\n", 0), 0u);
  EXPECT_EQ(render("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", 11, true).rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
}

TEST(ClientResponse, InterimAndOwnResponses) {
  std::string interim;
  render_interim_response(interim, parse_response_head("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"));
  EXPECT_EQ(interim, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n");
  const std::string own = render_own_response(403, 11, "403.16 Forbidden\n");
  auto head = parse_response_head(own);
  EXPECT_EQ(head.result_int(), 403u);
  EXPECT_EQ(values(head, "Content-Length"), Strings{"17"});
  EXPECT_EQ(values(head, "Connection"), Strings{"close"});
  EXPECT_EQ(values(head, "Date").size(), 1u);
  EXPECT_EQ(own.substr(own.size() - 17), "403.16 Forbidden\n");
}

}  // namespace
}  // namespace certgate::h1
