// `certgate iis import` on real-world IIS files: an applicationHost.config with several sites, S and ST,
// blobs broken over lines, encrypted passwords, mappings with no rules, disabled mappings and sections.
#include "config/iis_import.hpp"

#include <gtest/gtest.h>

#include "config/cert_text.hpp"
#include "config/load.hpp"
#include "config/mapping_difference.hpp"
#include "config_test_support.hpp"
#include "core/sha256.hpp"

namespace certgate::config {
namespace {

using test_support::capture_error;
using test_support::contains;
using test_support::kLeafDer;
using test_support::kLeafSha256;
using test_support::read_bytes;

// The blob as IIS Manager's Configuration Editor may leave it after a copy and paste: broken over lines.
std::string broken_blob() {
  std::string blob = base64_encode(read_bytes(kLeafDer));
  std::string out;
  for (std::size_t i = 0; i < blob.size(); i += 64) out += blob.substr(i, 64) + "\n                 ";
  return out;
}

std::string application_host() {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <configSections>
    <sectionGroup name="system.webServer">
      <section name="access" overrideModeDefault="Deny" />
    </sectionGroup>
  </configSections>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1" />
      <site name="api.contoso.com" id="2" />
    </sites>
  </system.applicationHost>
  <system.webServer>
    <security>
      <authentication>
        <anonymousAuthentication enabled="true" />
      </authentication>
    </security>
  </system.webServer>
  <location path="Default Web Site" overrideMode="Allow">
    <system.webServer>
      <security>
        <access sslFlags="Ssl, SslNegotiateCert" />
        <authentication>
          <anonymousAuthentication enabled="true" />
          <iisClientCertificateMappingAuthentication enabled="false">
            <manyToOneMappings>
              <add name="legacy" userName="legacy" />
            </manyToOneMappings>
          </iisClientCertificateMappingAuthentication>
        </authentication>
      </security>
    </system.webServer>
  </location>
  <location path="api.contoso.com">
    <system.webServer>
      <security>
        <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert, Ssl128" />
        <authentication>
          <anonymousAuthentication enabled="false" />
          <!-- Cloudflare Authenticated Origin Pulls -->
          <iisClientCertificateMappingAuthentication enabled="true" oneToOneCertificateMappingsEnabled="true"
              manyToOneCertificateMappingsEnabled="true" logonMethod="ClearText">
            <oneToOneMappings>
              <add userName="cf-origin-pull" password="[enc:AesProvider:hY5q3bW1sNw0dGVzdA==:enc]"
                   certificate=")" + broken_blob() + R"(" />
            </oneToOneMappings>
            <manyToOneMappings>
              <clear />
              <add name="Cloudflare edge" description="AOP &amp; friends" userName="CONTOSO\cdn"
                   password="[enc:IISCngProvider:MIIBRgYJKoZIhvcNAQcDoIIBNzCCATMCAQIx:enc]" permissionMode="Allow">
                <rules>
                  <add certificateField="Subject" certificateSubField="CN" matchCriteria="origin-pull.cloudflare.net" />
                  <add certificateField="Subject" certificateSubField="S" matchCriteria="California" compareCaseSensitive="false" />
                  <add certificateField="Issuer" certificateSubField="ST" matchCriteria="California" compareCaseSensitive="False" />
                </rules>
              </add>
              <add name="everyone else" enabled="false" userName="guest" />
              <add name="Block contractors" permissionMode="Deny" enabled="true">
                <rules>
                  <add certificateField="Subject" certificateSubField="OU" matchCriteria="*contract*" />
                </rules>
              </add>
            </manyToOneMappings>
          </iisClientCertificateMappingAuthentication>
        </authentication>
      </security>
    </system.webServer>
  </location>
</configuration>
)";
}

TEST(IisImport, SeveralLocationsMustBeChosen) {
  std::string xml = application_host();
  try {
    import_iis(xml, "applicationHost.config", std::nullopt);
    FAIL() << "several locations: the import must ask which one";
  } catch (const IisLocationChoiceError& e) {
    ASSERT_EQ(e.places().size(), 2u);
    EXPECT_EQ(e.places()[0].path, "Default Web Site");
    EXPECT_EQ(e.places()[0].where.line, 21);
    EXPECT_EQ(e.places()[1].path, "api.contoso.com");
    EXPECT_TRUE(contains(e.message(), "\"Default Web Site\" (applicationHost.config:21:3), \"api.contoso.com\" "
                                      "(applicationHost.config:36:3)"))
        << e.what();
    EXPECT_TRUE(contains(e.message(), "; choose one with --location")) << e.what();
    EXPECT_FALSE(contains(e.message(), "--iis-location")) << e.what();
  }
}

TEST(IisImport, RealWorldVariantsOfOneLocation) {
  IisImport imported = import_iis(application_host(), "applicationHost.config", "/api.contoso.com/");
  const core::MappingPolicy& m = imported.policy.mapping;
  ASSERT_EQ(m.one_to_one.size(), 1u);
  EXPECT_EQ(core::sha256_hex(m.one_to_one[0].der), kLeafSha256);  // whitespace in the blob tolerated
  EXPECT_EQ(m.one_to_one[0].password, "[enc:AesProvider:hY5q3bW1sNw0dGVzdA==:enc]");
  ASSERT_EQ(m.many_to_one.size(), 3u);
  EXPECT_EQ(m.many_to_one[0].rules[1].subfield, "S");   // kept as written
  EXPECT_EQ(m.many_to_one[0].rules[2].subfield, "ST");
  EXPECT_EQ(m.many_to_one[0].description, "AOP & friends");
  EXPECT_TRUE(m.many_to_one[1].rules.empty());
  EXPECT_FALSE(m.many_to_one[1].enabled);
  EXPECT_EQ(imported.policy.mode, core::ClientCertMode::require);

  const std::string& toml = imported.toml;
  EXPECT_TRUE(contains(toml, "# certgate mapping policy imported by `certgate iis import` from applicationHost.config, "
                             "<location path=\"api.contoso.com\">."))
      << toml;
  EXPECT_TRUE(contains(toml, "[tls]\n# from <access sslFlags=\"Ssl, SslNegotiateCert, SslRequireCert, Ssl128\"> at "
                             "applicationHost.config:39:9\nmode = \"require\"\n"))
      << toml;
  EXPECT_TRUE(contains(toml, "# from applicationHost.config:46:15\n# certificate SHA-256 " + kLeafSha256)) << toml;
  EXPECT_TRUE(contains(toml, "# from applicationHost.config:81:15\n[[mapping.many_to_one]]\nname = \"Cloudflare edge\"\n"))
      << toml;
  EXPECT_TRUE(contains(toml, "password = \"[enc:IISCngProvider:MIIBRgYJKoZIhvcNAQcDoIIBNzCCATMCAQIx:enc]\"")) << toml;
  EXPECT_TRUE(contains(toml, "user = \"CONTOSO\\\\cdn\"")) << toml;
  EXPECT_TRUE(contains(toml, "  # from applicationHost.config:86:19\n  [[mapping.many_to_one.rules]]\n  field = \"issuer\"\n"
                             "  subfield = \"ST\"\n"))
      << toml;
  EXPECT_TRUE(contains(toml, "name = \"everyone else\"\nenabled = false\n")) << toml;

  GatewayConfig loaded = parse_toml(toml, "imported.toml");
  EXPECT_EQ(mapping_difference(m, loaded.default_host.mapping), "");
  EXPECT_EQ(loaded.default_host.tls.mode, core::ClientCertMode::require);
}

TEST(IisImport, DisabledSectionIsSaidAndKeptOff) {
  IisImport imported = import_iis(application_host(), "applicationHost.config", "Default Web Site");
  EXPECT_FALSE(imported.policy.mapping.one_to_one_enabled);
  EXPECT_FALSE(imported.policy.mapping.many_to_one_enabled);
  EXPECT_TRUE(imported.policy.mapping.anonymous);
  EXPECT_EQ(imported.policy.mode, core::ClientCertMode::accept);
  EXPECT_TRUE(contains(imported.toml, "# The IIS section (applicationHost.config:27:11) has enabled=\"false\": both kinds "
                                      "of mapping are off, as in IIS."))
      << imported.toml;
  EXPECT_TRUE(contains(imported.toml, "one_to_one_enabled = false\nmany_to_one_enabled = false\nanonymous = true\n"))
      << imported.toml;
}

TEST(IisImport, SingleWebConfigNeedsNoLocation) {
  std::string xml = R"(<configuration>
  <system.webServer>
    <security>
      <authentication>
        <iisClientCertificateMappingAuthentication enabled="true">
          <manyToOneMappings>
            <add name="edge" userName="edge" />
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
</configuration>
)";
  IisImport imported = import_iis(xml, "web.config", std::nullopt);
  EXPECT_EQ(imported.location, "");
  EXPECT_FALSE(imported.policy.mode.has_value());
  EXPECT_FALSE(contains(imported.toml, "\n[tls]\n")) << imported.toml;
  EXPECT_TRUE(contains(imported.toml, "No <access sslFlags> there: [tls] mode is left to certgate's default (require)."))
      << imported.toml;
  EXPECT_TRUE(contains(imported.toml, "# no rules: matches every certificate that verifies")) << imported.toml;
}

TEST(IisImport, ErrorsPointIntoTheFile) {
  auto error = capture_error([] { import_iis("<configuration><system.webServer>", "web.config", std::nullopt); });
  EXPECT_TRUE(contains(error.what(), "web.config:1:")) << error.what();
  EXPECT_TRUE(contains(error.message(), "XML syntax")) << error.what();

  error = capture_error([] { import_iis(application_host(), "applicationHost.config", "Nope"); });
  EXPECT_TRUE(contains(error.message(), "no <location path=\"Nope\">")) << error.what();
  EXPECT_TRUE(contains(error.message(), "\"api.contoso.com\"")) << error.what();

  error = capture_error([] { import_iis("<configuration/>", "empty.config", std::nullopt); });
  EXPECT_TRUE(contains(error.message(), "no client certificate mapping section at all")) << error.what();
}

}  // namespace
}  // namespace certgate::config
