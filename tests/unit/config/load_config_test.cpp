#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config_test_support.hpp"

namespace certgate::config {
namespace {

using core::ClientCertMode;
using test_support::capture_error;
using test_support::contains;
using test_support::TempDir;

Overrides serve_flags() {
  Overrides flags;
  flags.listen = {"127.0.0.1:8443"};
  flags.cert = "server.pem";
  flags.key = "server.key";
  flags.upstream = "http://127.0.0.1:8080";
  return flags;
}

const char* kWebConfig = R"(<?xml version="1.0"?>
<configuration>
  <system.webServer>
    <security>
      <authentication>
        <anonymousAuthentication enabled="true"/>
        <iisClientCertificateMappingAuthentication enabled="true">
          <manyToOneMappings>
            <add name="top" userName="t"/>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
      <access sslFlags="Ssl, SslNegotiateCert"/>
    </security>
  </system.webServer>
  <location path="Default Web Site/app">
    <system.webServer>
      <security>
        <authentication>
          <iisClientCertificateMappingAuthentication enabled="true">
            <manyToOneMappings>
              <add name="app" userName="a"/>
            </manyToOneMappings>
          </iisClientCertificateMappingAuthentication>
        </authentication>
        <access sslFlags="Ssl"/>
      </security>
    </system.webServer>
  </location>
</configuration>
)";

TEST(LoadConfig, FlagsAloneAreEnoughToServe) {
  GatewayConfig config = load_config(serve_flags(), Purpose::serve);
  EXPECT_TRUE(config.source_file.empty());
  ASSERT_EQ(config.listen.size(), 1u);
  EXPECT_EQ(config.listen[0].port, 8443);
  EXPECT_EQ(config.listen[0].where.file, "--listen");
  EXPECT_EQ(config.default_host.tls.cert_file, "server.pem");  // flag paths are left as given
  EXPECT_EQ(config.default_host.tls.key_file, "server.key");
  EXPECT_EQ(config.upstream.host, "127.0.0.1");
  EXPECT_EQ(config.upstream.port, 8080);
  EXPECT_FALSE(config.upstream.tls);
  EXPECT_EQ(config.default_host.name, "default");
}

TEST(LoadConfig, FlagsAloneWithoutChainOnlyHaveNoMapping) {
  GatewayConfig config = load_config(serve_flags(), Purpose::serve);
  EXPECT_FALSE(config.default_host.mapping.chain_only) << "leaving the mappings out is not choosing chain-only";
  EXPECT_FALSE(config.default_host.mapping.has_mappings());
}

TEST(LoadConfig, ChainOnlyFlag) {
  Overrides flags = serve_flags();
  flags.chain_only = true;
  EXPECT_TRUE(load_config(flags, Purpose::serve).default_host.mapping.chain_only);

  // On a file: [mapping] and the blocks that inherit it; a block with its own [host.mapping] keeps its own.
  TempDir dir;
  flags.config_file = dir.write("certgate.toml", "[[host]]\nnames = [\"a.example\"]\n\n[[host]]\nnames = [\"b.example\"]\n"
                                                 "[host.mapping]\nanonymous = true\n");
  GatewayConfig config = load_config(flags, Purpose::serve);
  EXPECT_TRUE(config.default_host.mapping.chain_only);
  EXPECT_TRUE(config.hosts.at(0).mapping.chain_only);
  EXPECT_FALSE(config.hosts.at(1).mapping.chain_only);
}

TEST(LoadConfig, ChainOnlyFlagRefusesMappingsAndIis) {
  TempDir dir;
  Overrides flags = serve_flags();
  flags.chain_only = true;
  flags.config_file = dir.write("certgate.toml", "\n[[mapping.many_to_one]]\nname = \"m\"\nuser = \"u\"\n");
  auto with_mappings = capture_error([&] { load_config(flags, Purpose::serve); });
  EXPECT_EQ(with_mappings.where().file, "--chain-only");
  EXPECT_TRUE(contains(with_mappings.message(), "[mapping] has mappings (the first at " + dir.path("certgate.toml") + ":2:1)"))
      << with_mappings.what();

  flags.config_file.reset();
  flags.iis_config = {dir.write("web.config", kWebConfig)};
  auto with_iis = capture_error([&] { load_config(flags, Purpose::serve); });
  EXPECT_EQ(with_iis.where().file, "--chain-only");
  EXPECT_TRUE(contains(with_iis.message(), "cannot be combined with an IIS configuration")) << with_iis.what();
}

TEST(LoadConfig, InspectNeedsNothing) {
  GatewayConfig config = load_config(Overrides{}, Purpose::inspect);
  EXPECT_TRUE(config.listen.empty());
  EXPECT_TRUE(config.upstream.url.empty());
  EXPECT_EQ(config.default_host.tls.mode, ClientCertMode::require);
}

TEST(LoadConfig, ServeRequirements) {
  auto without = [](void (*drop)(Overrides&)) {
    Overrides flags = serve_flags();
    drop(flags);
    return capture_error([&] { load_config(flags, Purpose::serve); });
  };
  EXPECT_TRUE(contains(without([](Overrides& f) { f.listen.clear(); }).message(), "no listen address"));
  EXPECT_TRUE(contains(without([](Overrides& f) { f.upstream.reset(); }).message(), "no upstream"));
  EXPECT_TRUE(contains(without([](Overrides& f) { f.cert.reset(); }).message(), "no server certificate"));
  EXPECT_TRUE(contains(without([](Overrides& f) { f.key.reset(); }).message(), "no server private key"));
}

TEST(LoadConfig, MissingListenPointsAtServerTable) {
  TempDir dir;
  Overrides flags = serve_flags();
  flags.listen.clear();
  flags.config_file = dir.write("c.toml", "[upstream]\nurl = \"http://x\"\n\n[server]\nworkers = 2\n");
  EXPECT_CONFIG_ERROR_AT(load_config(flags, Purpose::serve), 4, 1, "no listen address: set [server] listen or --listen");
  EXPECT_NO_THROW(load_config(flags, Purpose::inspect));
}

TEST(LoadConfig, FlagsOverrideTheFile) {
  TempDir dir;
  Overrides flags;
  flags.config_file = dir.write("conf/certgate.toml", R"([server]
listen = ["127.0.0.1:1000"]
workers = 2
access_log = "access.log"
log_format = "text"
reject = "http"
[upstream]
url = "http://file-origin:80"
[tls]
cert = "file.pem"
key = "file.key"
client_ca = ["file-ca.pem"]
crl = ["file.crl"]
mode = "require"
[[host]]
names = ["inherits.example.com"]
[[host]]
names = ["own.example.com"]
mode = "accept"
client_ca = ["own-ca.pem"]
)");
  flags.listen = {"[::1]:2000", "0.0.0.0:3000"};
  flags.cert = "flag.pem";
  flags.key = "flag.key";
  flags.client_ca = {"flag-ca.pem", "flag-ca-next.pem"};
  flags.crl = {"flag.crl"};
  flags.mode = "ignore";
  flags.upstream = "https://flag-origin";
  flags.workers = 8;
  flags.access_log = "-";
  flags.log_format = "json";
  flags.reject = "handshake";

  GatewayConfig config = load_config(flags, Purpose::serve);
  std::string conf = dir.path("conf");
  ASSERT_EQ(config.listen.size(), 2u);
  EXPECT_EQ(config.listen[0].host, "::1");
  EXPECT_EQ(config.listen[1].port, 3000);
  EXPECT_EQ(config.workers, 8);
  EXPECT_EQ(config.access_log, "-");
  EXPECT_EQ(config.log_format, LogFormat::json);
  EXPECT_EQ(config.reject, RejectMode::handshake);
  EXPECT_EQ(config.upstream.host, "flag-origin");
  EXPECT_EQ(config.upstream.port, 443);
  EXPECT_TRUE(config.upstream.tls);
  const TlsSettings& tls = config.default_host.tls;
  EXPECT_EQ(tls.cert_file, "flag.pem");
  EXPECT_EQ(tls.key_file, "flag.key");
  EXPECT_EQ(tls.client_ca, (std::vector<std::string>{"flag-ca.pem", "flag-ca-next.pem"}));
  EXPECT_EQ(tls.crl, std::vector<std::string>{"flag.crl"});
  EXPECT_EQ(tls.mode, ClientCertMode::ignore);

  ASSERT_EQ(config.hosts.size(), 2u);
  // A host that inherits a key sees the flag's value; one that set the key keeps its own.
  EXPECT_EQ(config.hosts[0].tls.mode, ClientCertMode::ignore);
  EXPECT_EQ(config.hosts[0].tls.cert_file, "flag.pem");
  EXPECT_EQ(config.hosts[0].tls.client_ca, tls.client_ca);
  EXPECT_EQ(config.hosts[1].tls.mode, ClientCertMode::accept);
  EXPECT_EQ(config.hosts[1].tls.client_ca, std::vector<std::string>{conf + "/own-ca.pem"});
}

TEST(LoadConfig, InvalidFlagValuesNameTheFlag) {
  auto error_for = [](void (*set)(Overrides&)) {
    Overrides flags = serve_flags();
    set(flags);
    return capture_error([&] { load_config(flags, Purpose::inspect); });
  };
  auto mode = error_for([](Overrides& f) { f.mode = "bogus"; });
  EXPECT_EQ(mode.where().file, "--mode");
  EXPECT_EQ(mode.where().line, 0);
  EXPECT_EQ(std::string(mode.what()), "--mode: 'bogus' is not allowed; expected one of: ignore, accept, require");

  auto listen = error_for([](Overrides& f) { f.listen = {"127.0.0.1"}; });
  EXPECT_EQ(listen.where().file, "--listen");
  EXPECT_TRUE(contains(listen.message(), "'127.0.0.1' is not a listen address"));

  auto twice = error_for([](Overrides& f) { f.listen = {"127.0.0.1:1", "127.0.0.1:1"}; });
  EXPECT_TRUE(contains(twice.message(), "given twice"));

  auto upstream = error_for([](Overrides& f) { f.upstream = "http://origin/app"; });
  EXPECT_EQ(upstream.where().file, "--upstream");
  EXPECT_TRUE(contains(upstream.message(), "must not have a path"));

  EXPECT_EQ(error_for([](Overrides& f) { f.workers = -1; }).where().file, "--workers");
  EXPECT_EQ(error_for([](Overrides& f) { f.log_format = "xml"; }).where().file, "--log-format");
  EXPECT_EQ(error_for([](Overrides& f) { f.reject = "drop"; }).where().file, "--reject");
  EXPECT_EQ(error_for([](Overrides& f) { f.iis_location = "Site"; }).where().file, "--iis-location");
}

TEST(LoadConfig, MissingConfigFile) {
  Overrides flags;
  flags.config_file = "/nonexistent/dir/certgate.toml";
  auto error = capture_error([&] { load_config(flags, Purpose::inspect); });
  EXPECT_EQ(error.where().file, "/nonexistent/dir/certgate.toml");
}

TEST(LoadConfig, IisConfigFromTheFileGivesMappingAndMode) {
  TempDir dir;
  dir.write("conf/iis/web.config", kWebConfig);
  Overrides flags;
  flags.config_file =
      dir.write("conf/certgate.toml", "[mapping]\niis_config = \"iis/web.config\"\niis_location = \"\"\n");
  GatewayConfig config = load_config(flags, Purpose::inspect);
  const HostPolicy& base = config.default_host;
  ASSERT_TRUE(base.iis.has_value());
  EXPECT_EQ(base.iis->files, std::vector<std::string>{dir.path("conf/iis/web.config")});
  EXPECT_EQ(base.iis->location, "");
  ASSERT_EQ(base.mapping.many_to_one.size(), 1u);
  EXPECT_EQ(base.mapping.many_to_one[0].name, "top");
  EXPECT_TRUE(base.mapping.anonymous);
  EXPECT_EQ(base.tls.mode, ClientCertMode::accept);  // from sslFlags

  // parse_toml/load_toml_file read the IIS file the same way.
  EXPECT_EQ(load_toml_file(*flags.config_file).default_host.mapping.many_to_one.at(0).name, "top");
}

TEST(LoadConfig, ExplicitModeWinsOverSslFlags) {
  TempDir dir;
  dir.write("web.config", kWebConfig);
  Overrides flags;
  flags.config_file = dir.write(
      "certgate.toml", "[tls]\nmode = \"require\"\n[mapping]\niis_config = \"web.config\"\niis_location = \"\"\n");
  EXPECT_EQ(load_config(flags, Purpose::inspect).default_host.tls.mode, ClientCertMode::require);

  flags.config_file = dir.write("certgate.toml", "[mapping]\niis_config = \"web.config\"\niis_location = \"\"\n");
  flags.mode = "ignore";
  EXPECT_EQ(load_config(flags, Purpose::inspect).default_host.tls.mode, ClientCertMode::ignore);
}

TEST(LoadConfig, IisFlagsReplaceTheFilesMapping) {
  TempDir dir;
  std::string web_config = dir.write("web.config", kWebConfig);
  Overrides flags;
  flags.config_file = dir.write("certgate.toml", "[[mapping.many_to_one]]\nname = \"from-toml\"\nuser = \"u\"\n");
  flags.iis_config = {web_config};
  flags.iis_location = "Default Web Site/app/";
  GatewayConfig config = load_config(flags, Purpose::inspect);
  ASSERT_TRUE(config.default_host.iis.has_value());
  EXPECT_EQ(config.default_host.iis->files, std::vector<std::string>{web_config});
  EXPECT_EQ(config.default_host.iis->location, "Default Web Site/app/");
  // The location inherits the top level, as in IIS: its mapping is added after the server's.
  ASSERT_EQ(config.default_host.mapping.many_to_one.size(), 2u);
  EXPECT_EQ(config.default_host.mapping.many_to_one[0].name, "top");
  EXPECT_EQ(config.default_host.mapping.many_to_one[1].name, "app");
  EXPECT_TRUE(config.default_host.mapping.anonymous);  // inherited from the top level
  EXPECT_EQ(config.default_host.tls.mode, ClientCertMode::ignore);  // sslFlags="Ssl" overrides the top level's
}

TEST(LoadConfig, HostWithItsOwnIisMapping) {
  TempDir dir;
  dir.write("web.config", kWebConfig);
  Overrides flags;
  flags.config_file = dir.write("certgate.toml", R"([tls]
mode = "require"
[[mapping.many_to_one]]
name = "default-mapping"
user = "d"
[[host]]
names = ["app.example.com"]
[host.mapping]
iis_config = "web.config"
iis_location = "Default Web Site/app"
[[host]]
names = ["plain.example.com"]
)");
  GatewayConfig config = load_config(flags, Purpose::inspect);
  ASSERT_EQ(config.hosts.size(), 2u);
  const HostPolicy& app = config.hosts[0];
  ASSERT_TRUE(app.iis.has_value());
  EXPECT_EQ(app.iis->location, "Default Web Site/app");
  EXPECT_EQ(app.mapping.many_to_one.at(1).name, "app");
  EXPECT_EQ(app.tls.mode, ClientCertMode::ignore);  // the host did not set mode: sslFlags decides
  const HostPolicy& plain = config.hosts[1];
  EXPECT_FALSE(plain.iis.has_value());
  EXPECT_EQ(plain.mapping.many_to_one.at(0).name, "default-mapping");
  EXPECT_EQ(plain.tls.mode, ClientCertMode::require);
  EXPECT_FALSE(config.default_host.iis.has_value());
}

TEST(LoadConfig, SeveralIisFilesFromTomlOrFlagsAreMergedFromTheServerDown) {
  TempDir dir;
  const std::string host = dir.write("applicationHost.config", R"(<configuration>
  <location path="Default Web Site">
    <system.webServer><security><authentication>
      <iisClientCertificateMappingAuthentication enabled="true">
        <manyToOneMappings><add name="server" userName="s"/></manyToOneMappings>
      </iisClientCertificateMappingAuthentication>
    </authentication></security></system.webServer>
  </location>
</configuration>
)");
  const std::string web = dir.write("site/web.config", R"(<configuration>
  <system.webServer><security><authentication>
    <iisClientCertificateMappingAuthentication>
      <manyToOneMappings><add name="site" userName="w"/></manyToOneMappings>
    </iisClientCertificateMappingAuthentication>
  </authentication></security></system.webServer>
</configuration>
)");
  Overrides flags;
  flags.config_file = dir.write("certgate.toml", "[mapping]\niis_config = [\"applicationHost.config\", \"site/web.config\"]\n");
  GatewayConfig from_toml = load_config(flags, Purpose::inspect);
  ASSERT_TRUE(from_toml.default_host.iis.has_value());
  EXPECT_EQ(from_toml.default_host.iis->files, (std::vector<std::string>{host, web}));
  EXPECT_FALSE(from_toml.default_host.iis->location.has_value());  // the only location with a section
  const auto& many = from_toml.default_host.mapping.many_to_one;
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many[0].where.file, host);
  EXPECT_EQ(many[1].where.file, web);
  ASSERT_EQ(from_toml.default_host.notes.size(), 2u);
  EXPECT_TRUE(contains(from_toml.default_host.notes[0].message, "the only location with one"));

  Overrides by_flags;
  by_flags.iis_config = {host, web};
  by_flags.iis_location = "default web site";
  EXPECT_EQ(load_config(by_flags, Purpose::inspect).default_host.mapping.many_to_one.size(), 2u);

  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping]\niis_config = [\"a.config\", \"\"]\n", dir.path("t.toml")), 2, 27,
                         "an empty file name");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping]\niis_config = 3\n", dir.path("t.toml")), 2, 14,
                         "expected a string or an array of strings");
}

TEST(LoadConfig, IisErrorsPointIntoTheXml) {
  TempDir dir;
  std::string web_config = dir.write("web.config", "<configuration>\n  <oops>\n</configuration>\n");
  Overrides flags;
  flags.iis_config = {web_config};
  auto error = capture_error([&] { load_config(flags, Purpose::inspect); });
  EXPECT_EQ(error.where().file, web_config);
  EXPECT_EQ(error.where().line, 3);
  EXPECT_TRUE(contains(error.message(), "XML syntax")) << error.what();
}

}  // namespace
}  // namespace certgate::config
