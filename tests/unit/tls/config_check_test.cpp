// check_config on configurations built in memory, with files written to a temporary directory.
#include "tls/config_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "cloudflare_fixtures.hpp"
#include "test_pki.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

std::vector<std::string> codes(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& f : findings) out.push_back(f.code);
  return out;
}

// A CA and a server certificate that stay valid for a year, so that nothing is "expiring".
class ConfigCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::time_t now = std::time(nullptr);
    CertSpec ca_spec;
    ca_spec.subject = {{"CN", "edge CA"}};
    ca_spec.ca = true;
    ca_spec.not_after = now + 365 * 86400;
    ca.key = make_key();
    ca.cert = make_cert(ca_spec, ca.key.get(), nullptr);
    CertSpec server_spec;
    server_spec.subject = {{"CN", "origin"}};
    server_spec.san = "DNS:api.example.com,DNS:localhost";
    server_spec.not_after = now + 365 * 86400;
    server = make_leaf(ca, server_spec);

    config.default_host.name = "default";
    config.default_host.tls.client_ca = {dir.write("ca.pem", pem_of(ca.cert.get()))};
    config.default_host.tls.cert_file = dir.write("server.pem", pem_of(server.cert.get()));
    config.default_host.tls.key_file = dir.write("server.key", key_pem(server.key.get()));
    core::ManyToOneMapping edge;
    edge.name = "edge";
    edge.user = "edge-user";
    edge.rules.push_back(core::MappingRule{core::RuleField::subject, "CN", "edge.example.com", true, {}});
    config.default_host.mapping.many_to_one = {edge};
  }

  config::HostPolicy host(const std::string& name) {
    config::HostPolicy h = config.default_host;  // inherits everything, as finish_document does
    h.name = name;
    h.server_names = {name};
    h.tls.where = core::SourcePos{"certgate.toml", 40, 1};
    return h;
  }

  TempDir dir;
  Issued ca, server;
  config::GatewayConfig config;
};

TEST_F(ConfigCheck, CleanConfigurationHasNoFindings) {
  config.hosts.push_back(host("api.example.com"));
  EXPECT_TRUE(check_config(config, std::time(nullptr)).empty());
}

TEST_F(ConfigCheck, MissingFilesAreErrorsNamingTheFile) {
  config.default_host.tls.client_ca.push_back(dir.file("missing-ca.pem"));
  config.default_host.tls.crl = {dir.file("missing.crl")};
  const auto findings = check_config(config, std::time(nullptr));
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG002"}) << "the CRL is only tried once the anchors load";
  EXPECT_EQ(findings[0].severity, core::Severity::error);
  EXPECT_NE(findings[0].message.find("missing-ca.pem"), std::string::npos) << findings[0].message;

  config.default_host.tls.client_ca.pop_back();
  const auto crl_findings = check_config(config, std::time(nullptr));
  ASSERT_EQ(codes(crl_findings), std::vector<std::string>{"CG002"});
  EXPECT_NE(crl_findings[0].message.find("missing.crl"), std::string::npos);
}

TEST_F(ConfigCheck, FindingsOfInheritedSettingsAreMergedAcrossBlocks) {
  config.default_host.tls.client_ca.push_back(cloudflare::ca_2019);
  config.default_host.mapping = {};
  config.default_host.mapping.chain_only = true;  // a verified chain is enough: any Cloudflare account gets in
  config.hosts.push_back(host("api.example.com"));
  config.hosts.push_back(host("www.example.com"));  // not in the server certificate
  const auto findings = check_config(config, std::time(nullptr));
  ASSERT_EQ(codes(findings), (std::vector<std::string>{"CG101", "CG113"}));
  EXPECT_EQ(findings[0].hosts, (std::vector<std::string>{"default", "api.example.com", "www.example.com"}));
  EXPECT_EQ(findings[1].hosts, std::vector<std::string>{"www.example.com"});
}

TEST_F(ConfigCheck, ABlockWithoutMappingsIsReportedOnceAtItsMappingTable) {
  config.default_host.mapping = {};
  config.default_host.mapping.where = core::SourcePos{"certgate.toml", 12, 1};  // [mapping]
  config.hosts.push_back(host("api.example.com"));  // inherits it
  const auto findings = check_config(config, std::time(nullptr));
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG207"});
  EXPECT_EQ(findings[0].where.to_string(), "certgate.toml:12:1");
  EXPECT_EQ(findings[0].hosts, (std::vector<std::string>{"default", "api.example.com"}));
}

TEST_F(ConfigCheck, ServerKeyMismatchAndUnreadableKey) {
  Issued other = make_client(ca, "other");
  config.default_host.tls.key_file = dir.write("other.key", key_pem(other.key.get()));
  EXPECT_EQ(codes(check_config(config, std::time(nullptr))), std::vector<std::string>{"CG003"});
  config.default_host.tls.key_file = dir.write("garbage.key", "not a key");
  EXPECT_EQ(codes(check_config(config, std::time(nullptr))), std::vector<std::string>{"CG002"});
}

TEST_F(ConfigCheck, LoadErrorsCarryTheLoadersFix) {
  config.default_host.tls.client_ca = {dir.write("ca.key", key_pem(ca.key.get()))};
  auto findings = check_config(config, std::time(nullptr));
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG002"});
  EXPECT_EQ(findings[0].message, dir.file("ca.key") + ": holds a private key, not a certificate");
  EXPECT_NE(findings[0].fix.find("must never be given out"), std::string::npos) << findings[0].fix;

  config.default_host.tls.client_ca = {dir.file("ca.pem")};
  config.default_host.tls.key_file = config.default_host.tls.cert_file;
  findings = check_config(config, std::time(nullptr));
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG002"});
  EXPECT_EQ(findings[0].message, dir.file("server.pem") + ": holds a certificate, not a private key");
  EXPECT_NE(findings[0].fix.find("swapped"), std::string::npos) << findings[0].fix;
}

TEST_F(ConfigCheck, CrlFindingsNameTheCrlFile) {
  const std::time_t now = std::time(nullptr);
  X509CrlPtr crl = make_crl(ca, {});  // nextUpdate in a week
  config.default_host.tls.crl = {dir.write("ca.crl", pem_of(crl.get()))};
  EXPECT_TRUE(check_config(config, now).empty());
  const auto findings = check_config(config, now + 10 * 86400);
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG108"});
  EXPECT_EQ(findings[0].where.to_string(), dir.file("ca.crl"));

  Issued other_ca = make_ca("other CA");
  X509CrlPtr other = make_crl(other_ca, {});
  config.default_host.tls.crl.push_back(dir.write("other.crl", pem_of(other.get())));
  EXPECT_EQ(codes(check_config(config, now)), std::vector<std::string>{"CG109"});
}

TEST_F(ConfigCheck, OneToOneOutsideTheAnchorsIsFound) {
  Issued other_ca = make_ca("other CA");
  Issued stranger = make_client(other_ca, "stranger");
  core::OneToOneMapping pinned;
  pinned.name = "stranger";
  pinned.user = "s";
  pinned.der = der_of(stranger.cert.get());
  config.default_host.mapping.one_to_one = {pinned};
  EXPECT_EQ(codes(check_config(config, std::time(nullptr))), std::vector<std::string>{"CG121"});
  config.default_host.tls.mode = core::ClientCertMode::ignore;
  config.default_host.mapping.anonymous = true;
  EXPECT_EQ(codes(check_config(config, std::time(nullptr))), std::vector<std::string>{"CG202"})
      << "in mode ignore the mapping is never consulted: one finding, not two";
}

}  // namespace
}  // namespace certgate::tls
