#include "tls/host_selection.hpp"

#include <gtest/gtest.h>

namespace certgate::tls {
namespace {

config::GatewayConfig config_with_hosts() {
  config::GatewayConfig config;
  config.default_host.name = "default";
  for (const std::vector<std::string>& names : std::vector<std::vector<std::string>>{
           {"api.example.com"}, {"*.example.com"}, {"*.eu.example.com", "shop.example.org"}}) {
    config::HostPolicy host;
    host.name = names.front();
    host.server_names = names;
    config.hosts.push_back(host);
  }
  return config;
}

TEST(HostSelection, SameRulesAsTheServer) {
  const config::GatewayConfig config = config_with_hosts();
  auto block = [&](const std::string& name) { return host_policy_for(config, name).name; };
  EXPECT_EQ(block(""), "default");
  EXPECT_EQ(block("api.example.com"), "api.example.com") << "exact before wildcard";
  EXPECT_EQ(block("API.Example.COM."), "api.example.com") << "any case, trailing dot";
  EXPECT_EQ(block("www.example.com"), "*.example.com");
  EXPECT_EQ(block("a.eu.example.com"), "*.eu.example.com") << "longest suffix wins";
  EXPECT_EQ(block("eu.example.com"), "*.example.com");
  EXPECT_EQ(block("example.com"), "default") << "a wildcard needs one more label";
  EXPECT_EQ(block("shop.example.org"), "*.eu.example.com") << "a block's other names";
  EXPECT_EQ(block("unknown.test"), "default");
}

}  // namespace
}  // namespace certgate::tls
