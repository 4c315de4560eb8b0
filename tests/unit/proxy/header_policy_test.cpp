#include "proxy/header_policy.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>

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

}  // namespace
}  // namespace certgate::proxy
