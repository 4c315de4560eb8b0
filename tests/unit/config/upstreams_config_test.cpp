#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config_test_support.hpp"

namespace certgate::config {
namespace {

constexpr std::string_view kTwoUpstreams = R"([upstream]
url = "http://127.0.0.1:8080"

[upstreams.api]
servers = ["http://10.0.0.1:8080", "http://10.0.0.2"]
balance = "least_conn"
fail_timeout = "30s"
max_fails = 3
health_check = { path = "/healthz", interval = "2s", timeout = "500ms" }

[upstreams.static]
servers = ["https://[::1]:8443"]
server_name = "static.internal"

[[host]]
names = ["api.example.com"]
upstream = "api"

[[host]]
names = ["www.example.com"]
upstream = "static"

[[host]]
names = ["other.example.com"]
)";

TEST(UpstreamsConfig, NamedUpstreamsWithTheirServersAndSettings) {
  GatewayConfig c = parse_toml(kTwoUpstreams, "t.toml");
  ASSERT_EQ(c.upstreams.size(), 2u);
  const UpstreamConfig& api = c.upstreams[0];
  EXPECT_EQ(api.name, "api");
  ASSERT_EQ(api.servers.size(), 2u);
  EXPECT_EQ(api.servers[0].host, "10.0.0.1");
  EXPECT_EQ(api.servers[0].port, 8080);
  EXPECT_EQ(api.servers[1].port, 80);
  EXPECT_EQ(api.servers[1].where.line, 5);
  EXPECT_FALSE(api.tls);
  EXPECT_EQ(api.balance, Balance::least_conn);
  EXPECT_EQ(api.fail_timeout, Millis{30'000});
  EXPECT_EQ(api.max_fails, 3);
  ASSERT_TRUE(api.health_check);
  EXPECT_EQ(api.health_check->path, "/healthz");
  EXPECT_EQ(api.health_check->interval, Millis{2'000});
  EXPECT_EQ(api.health_check->timeout, Millis{500});
  const UpstreamConfig& st = c.upstreams[1];
  EXPECT_EQ(st.name, "static");
  EXPECT_TRUE(st.tls);
  EXPECT_EQ(st.servers[0].host, "::1");
  EXPECT_EQ(st.server_name, "static.internal");
  EXPECT_EQ(st.balance, Balance::round_robin);
  EXPECT_EQ(st.fail_timeout, Millis{10'000});
  EXPECT_EQ(st.max_fails, 1);
  EXPECT_FALSE(st.health_check);
  ASSERT_EQ(c.hosts.size(), 3u);
  EXPECT_EQ(c.hosts[0].upstream, "api");
  EXPECT_EQ(c.hosts[1].upstream, "static");
  EXPECT_EQ(c.hosts[2].upstream, "");  // [upstream]
}

TEST(UpstreamsConfig, UpstreamUrlIsTheDefaultUpstreamsOneServer) {
  GatewayConfig c = parse_toml("[upstream]\nurl = \"http://127.0.0.1:8080\"\n", "t.toml");
  EXPECT_EQ(c.upstream.name, "default");
  ASSERT_EQ(c.upstream.servers.size(), 1u);
  EXPECT_EQ(c.upstream.servers[0].host, "127.0.0.1");
  EXPECT_EQ(c.upstream.servers[0].port, 8080);
  EXPECT_TRUE(c.upstreams.empty());
}

TEST(UpstreamsConfig, DefaultUpstreamMayListServers) {
  GatewayConfig c = parse_toml("[upstream]\nservers = [\"http://a:1\", \"http://b:2\"]\nbalance = \"least_conn\"\n", "t.toml");
  ASSERT_EQ(c.upstream.servers.size(), 2u);
  EXPECT_EQ(c.upstream.url, "http://a:1");  // the first server
  EXPECT_EQ(c.upstream.host, "a");
  EXPECT_EQ(c.upstream.balance, Balance::least_conn);
}

TEST(UpstreamsConfig, HostNamingDefaultUsesUpstream) {
  GatewayConfig c = parse_toml("[[host]]\nnames = [\"a.test\"]\nupstream = \"default\"\n", "t.toml");
  EXPECT_EQ(c.hosts[0].upstream, "");
}

TEST(UpstreamsConfig, ErrorsNameTheirPosition) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.api]\nservers = [\"http://a:1\"]\n\n[[host]]\nnames = [\"a.test\"]\n"
                                    "upstream = \"apl\"\n",
                                    "t.toml"),
                         6, 12, "unknown upstream 'apl' (defined: default, api); did you mean 'api'?");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.test\"]\nupstream = \"api\"\n", "t.toml"), 3, 12,
                         "unknown upstream 'api'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.api]\nservers = [\"http://a:1\", \"https://b:2\"]\n", "t.toml"), 2, 26,
                         "'https://b:2' is https but 'http://a:1' is http");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.api]\nservers = [\"http://a:1\", \"http://A:1/\"]\n", "t.toml"), 2, 26,
                         "is listed twice");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.api]\nservers = [\"ftp://a:1\"]\n", "t.toml"), 2, 12,
                         "unsupported scheme 'ftp'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.api]\nservers = []\n", "t.toml"), 2, 11, "at least one server");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.api]\nservers = [\"http://a:1\"]\nbalance = \"random\"\n", "t.toml"), 3, 11,
                         "expected one of: round_robin, least_conn");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.api]\nverify = false\n", "t.toml"), 1, 1, "missing required key 'servers'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.api]\nservers = [\"http://a:1\"]\nupgrade = [\"websocket\"]\n", "t.toml"),
                         3, 1, "unknown key 'upgrade' in [upstreams.api]");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.default]\nservers = [\"http://a:1\"]\n", "t.toml"), 1, 1,
                         "'default' names [upstream]");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.\"a b\"]\nservers = [\"http://a:1\"]\n", "t.toml"), 1, 1,
                         "is not an upstream name");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstream]\nurl = \"http://a:1\"\nservers = [\"http://b:1\"]\n", "t.toml"), 3, 11,
                         "give url (one server) or servers, not both");
  EXPECT_CONFIG_ERROR_AT(
      parse_toml("[upstreams.api]\nservers = [\"http://a:1\"]\nhealth_check = { path = \"healthz\" }\n", "t.toml"), 3, 25,
      "is not an origin-form path");
  EXPECT_CONFIG_ERROR_AT(
      parse_toml("[upstreams.api]\nservers = [\"http://a:1\"]\nhealth_check = { interval = \"10ms\" }\n", "t.toml"), 3,
      29, "at least 100ms");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstreams.api]\nservers = [\"http://a:1\"]\nmax_fails = 0\n", "t.toml"), 3, 13,
                         "max_fails");
}

TEST(UpstreamsConfig, ClientIpFromIsAHeaderName) {
  EXPECT_EQ(parse_toml("", "t.toml").headers.client_ip_from, "CF-Connecting-IP");
  EXPECT_EQ(parse_toml("[headers]\nclient_ip_from = \"\"\n", "t.toml").headers.client_ip_from, "");
  EXPECT_EQ(parse_toml("[headers]\nclient_ip_from = \"True-Client-IP\"\n", "t.toml").headers.client_ip_from,
            "True-Client-IP");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nclient_ip_from = \"a b\"\n", "t.toml"), 2, 18, "not a valid header name");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nclient_ip_from = \"X-Forwarded-For\"\n", "t.toml"), 2, 18,
                         "one certgate writes itself");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nclient_ip_from = \"x_real_ip\"\n", "t.toml"), 2, 18,
                         "one certgate writes itself");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nclient_ip_from = \"X-Client-Identity\"\n", "t.toml"), 2, 18,
                         "already used by [headers] identity");
}

}  // namespace
}  // namespace certgate::config

namespace certgate::config {
namespace {

TEST(UpstreamsConfig, ProtocolH2IsReadForHttpsAndLoopbackH2c) {
  GatewayConfig c = parse_toml("[upstream]\nurl = \"http://127.0.0.1:50051\"\nprotocol = \"h2\"\n\n"
                               "[upstreams.grpc]\nservers = [\"https://10.0.0.5:443\"]\nprotocol = \"h2\"\n\n"
                               "[upstreams.web]\nservers = [\"http://10.0.0.6\"]\n",
                               "t.toml");
  EXPECT_EQ(c.upstream.protocol, UpstreamProtocol::h2);
  ASSERT_EQ(c.upstreams.size(), 2u);
  EXPECT_EQ(c.upstreams[0].protocol, UpstreamProtocol::h2);
  EXPECT_EQ(c.upstreams[1].protocol, UpstreamProtocol::http1);
  EXPECT_EQ(parse_toml("[upstream]\nurl = \"http://[::1]:1\"\nprotocol = \"h2\"\n", "t.toml").upstream.protocol,
            UpstreamProtocol::h2);
}

TEST(UpstreamsConfig, ProtocolH2CleartextOnlyToLoopbackAndWithoutHealthCheck) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstream]\nurl = \"http://10.0.0.1:50051\"\nprotocol = \"h2\"\n", "t.toml"), 3,
                         12, "only for loopback servers");
  EXPECT_CONFIG_ERROR_AT(
      parse_toml("[upstream]\nservers = [\"http://127.0.0.1:1\", \"http://192.0.2.1:1\"]\nprotocol = \"h2\"\n",
                 "t.toml"),
      3, 12, "'http://192.0.2.1:1' is not");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstream]\nurl = \"https://10.0.0.1\"\nprotocol = \"h2\"\n"
                                    "health_check = { path = \"/\" }\n",
                                    "t.toml"),
                         3, 12, "health_check speaks HTTP/1.1");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstream]\nurl = \"https://10.0.0.1\"\nprotocol = \"h3\"\n", "t.toml"), 3, 12,
                         "h3");
}

}  // namespace
}  // namespace certgate::config
