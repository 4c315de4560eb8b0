#include <gtest/gtest.h>

#include "config/cert_text.hpp"
#include "config/load.hpp"
#include "config_test_support.hpp"
#include "core/compiled_policy.hpp"
#include "core/decision.hpp"
#include "core/sha256.hpp"

namespace certgate::config {
namespace {

using core::ClientCertMode;
using test_support::capture_error;
using test_support::contains;
using test_support::kLeafDer;
using test_support::kLeafSha256;
using test_support::read_bytes;

std::string leaf_blob() { return base64_encode(read_bytes(kLeafDer)); }

// <system.webServer> content for a site: the mapping section, anonymous authentication, sslFlags.
std::string web_server(const std::string& section, const std::string& extra_authentication = "",
                       const std::string& access = "") {
  return "<system.webServer>\n<security>\n<authentication>\n" + extra_authentication + section +
         "</authentication>\n" + access + "</security>\n</system.webServer>\n";
}

std::string configuration(const std::string& body) { return "<configuration>\n" + body + "</configuration>\n"; }

const char* kSimpleSection =
    "<iisClientCertificateMappingAuthentication enabled=\"true\">\n"
    "<manyToOneMappings><add name=\"m\" userName=\"u\"/></manyToOneMappings>\n"
    "</iisClientCertificateMappingAuthentication>\n";

TEST(IisLoader, TopLevelSectionWithEveryAttribute) {
  std::string blob = leaf_blob();
  // The blob as IIS writes it is one line; here it is broken with spaces and newlines, which are tolerated.
  std::string broken = blob.substr(0, 40) + "\n      " + blob.substr(40, 100) + " \r\n" + blob.substr(140);
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <authentication>
        <anonymousAuthentication enabled="false" />
        <iisClientCertificateMappingAuthentication enabled="true" oneToOneCertificateMappingsEnabled="true"
            manyToOneCertificateMappingsEnabled="true" logonMethod="ClearText">
          <oneToOneMappings>
            <add userName="alice" password="[enc:AesProvider:57686f6120447564652c2049495320526f636b73:enc]"
                 certificate=")" + broken + R"(" />
          </oneToOneMappings>
          <manyToOneMappings>
            <add name="Contoso Employees" description="HR only" enabled="true" permissionMode="Allow"
                 userName="contoso\hr" password="[enc:AesProvider:abc:enc]">
              <rules>
                <add certificateField="Subject" certificateSubField="S" matchCriteria="Washington" compareCaseSensitive="true" />
                <add certificateField="Issuer" certificateSubField="ST" matchCriteria="contoso*" compareCaseSensitive="False" />
              </rules>
            </add>
            <add name="No rules" userName="anyone" />
            <add name="Blocked" permissionMode="Deny" enabled="false">
              <rules>
                <add certificateField="subject" certificateSubField="OU" matchCriteria="Sales" />
              </rules>
            </add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
      <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
    </security>
  </system.webServer>
</configuration>
)";
  IisPolicy policy = parse_iis(xml, "web.config", "");
  const core::MappingPolicy& mapping = policy.mapping;
  EXPECT_TRUE(mapping.one_to_one_enabled);
  EXPECT_TRUE(mapping.many_to_one_enabled);
  EXPECT_FALSE(mapping.anonymous);
  ASSERT_TRUE(policy.mode.has_value());
  EXPECT_EQ(*policy.mode, ClientCertMode::require);
  EXPECT_TRUE(policy.locations.empty());

  ASSERT_EQ(mapping.one_to_one.size(), 1u);
  const core::OneToOneMapping& alice = mapping.one_to_one[0];
  EXPECT_EQ(alice.user, "alice");
  EXPECT_EQ(alice.name, "alice");
  EXPECT_EQ(alice.password, "[enc:AesProvider:57686f6120447564652c2049495320526f636b73:enc]");  // kept opaque
  EXPECT_TRUE(alice.enabled);
  EXPECT_EQ(core::sha256_hex(alice.der), kLeafSha256);
  EXPECT_EQ(alice.where.to_string(), "web.config:10:13");

  ASSERT_EQ(mapping.many_to_one.size(), 3u);
  const core::ManyToOneMapping& contoso = mapping.many_to_one[0];
  EXPECT_EQ(contoso.name, "Contoso Employees");
  EXPECT_EQ(contoso.description, "HR only");
  EXPECT_TRUE(contoso.enabled);
  EXPECT_EQ(contoso.permission, core::Permission::allow);
  EXPECT_EQ(contoso.user, "contoso\\hr");
  EXPECT_EQ(contoso.password, "[enc:AesProvider:abc:enc]");
  EXPECT_EQ(contoso.where.to_string(), "web.config:16:13");
  ASSERT_EQ(contoso.rules.size(), 2u);
  EXPECT_EQ(contoso.rules[0].field, core::RuleField::subject);
  EXPECT_EQ(contoso.rules[0].subfield, "S");  // S and ST are kept as written
  EXPECT_EQ(contoso.rules[0].match, "Washington");
  EXPECT_TRUE(contoso.rules[0].case_sensitive);
  EXPECT_EQ(contoso.rules[0].where.to_string(), "web.config:19:17");
  EXPECT_EQ(contoso.rules[1].field, core::RuleField::issuer);
  EXPECT_EQ(contoso.rules[1].subfield, "ST");
  EXPECT_EQ(contoso.rules[1].match, "contoso*");
  EXPECT_FALSE(contoso.rules[1].case_sensitive);

  const core::ManyToOneMapping& no_rules = mapping.many_to_one[1];
  EXPECT_EQ(no_rules.name, "No rules");
  EXPECT_TRUE(no_rules.rules.empty());
  EXPECT_EQ(no_rules.permission, core::Permission::allow);
  EXPECT_TRUE(no_rules.enabled);

  const core::ManyToOneMapping& blocked = mapping.many_to_one[2];
  EXPECT_EQ(blocked.permission, core::Permission::deny);
  EXPECT_FALSE(blocked.enabled);
  ASSERT_EQ(blocked.rules.size(), 1u);
  EXPECT_EQ(blocked.rules[0].field, core::RuleField::subject);
  EXPECT_TRUE(blocked.rules[0].case_sensitive);  // compareCaseSensitive defaults to true
}

TEST(IisLoader, LocationSelection) {
  std::string top = "<iisClientCertificateMappingAuthentication enabled=\"true\">\n"
                    "<manyToOneMappings><add name=\"top\" userName=\"t\"/></manyToOneMappings>\n"
                    "</iisClientCertificateMappingAuthentication>\n";
  std::string site = "<iisClientCertificateMappingAuthentication enabled=\"true\">\n"
                     "<manyToOneMappings><add name=\"site\" userName=\"s\"/></manyToOneMappings>\n"
                     "</iisClientCertificateMappingAuthentication>\n";
  std::string app = "<iisClientCertificateMappingAuthentication enabled=\"true\">\n"
                    "<manyToOneMappings><add name=\"app\" userName=\"a\"/></manyToOneMappings>\n"
                    "</iisClientCertificateMappingAuthentication>\n";
  std::string xml = configuration(
      "<system.applicationHost><sites><site name=\"Default Web Site\" id=\"1\"/></sites></system.applicationHost>\n" +
      web_server(top) +
      "<location path=\"Default Web Site\" overrideMode=\"Allow\">\n" + web_server(site) + "</location>\n" +
      "<location path=\"Default Web Site/app\">\n" + web_server(app) + "</location>\n" +
      "<location path=\"Other Site\">\n<system.webServer><defaultDocument enabled=\"true\"/></system.webServer>\n</location>\n");

  IisPolicy top_level = parse_iis(xml, "applicationHost.config", "");
  ASSERT_EQ(top_level.mapping.many_to_one.size(), 1u);
  EXPECT_EQ(top_level.mapping.many_to_one[0].name, "top");
  EXPECT_EQ(top_level.locations, (std::vector<std::string>{"Default Web Site", "Default Web Site/app"}));

  // A location inherits its parents (the top level, then "Default Web Site"), as in IIS.
  IisPolicy site_level = parse_iis(xml, "applicationHost.config", "Default Web Site");
  ASSERT_EQ(site_level.mapping.many_to_one.size(), 2u);
  EXPECT_EQ(site_level.mapping.many_to_one.at(1).name, "site");

  // Case-insensitive, leading/trailing '/' ignored.
  IisPolicy app_level = parse_iis(xml, "applicationHost.config", "/default web site/APP/");
  ASSERT_EQ(app_level.mapping.many_to_one.size(), 3u);
  EXPECT_EQ(app_level.mapping.many_to_one.at(2).name, "app");
  EXPECT_EQ(app_level.locations, top_level.locations);
}

TEST(IisLoader, MissingLocationListsTheAvailableOnes) {
  std::string xml = configuration(web_server(kSimpleSection) + "<location path=\"Default Web Site/app\">\n" +
                                  web_server(kSimpleSection) + "</location>\n");
  auto error = capture_error([&] { parse_iis(xml, "applicationHost.config", "Default Web Site/api"); });
  EXPECT_EQ(error.where().file, "applicationHost.config");
  EXPECT_TRUE(contains(error.message(), "no <location path=\"Default Web Site/api\">")) << error.what();
  EXPECT_TRUE(contains(error.message(), "the top level (\"\")")) << error.what();
  EXPECT_TRUE(contains(error.message(), "\"Default Web Site/app\"")) << error.what();
}

TEST(IisLoader, LocationWithoutMappingSection) {
  std::string xml = configuration("<location path=\"Site\">\n<system.webServer/>\n</location>\n"
                                  "<location path=\"Other\">\n" + web_server(kSimpleSection) + "</location>\n");
  EXPECT_CONFIG_ERROR_AT(parse_iis(xml, "a.config", "site"), 2, 1,
                         "no <iisClientCertificateMappingAuthentication> section in <location path=\"Site\">");
  auto error = capture_error([&] { parse_iis(xml, "a.config", ""); });
  EXPECT_EQ(error.where().line, 1);
  EXPECT_TRUE(contains(error.message(), "at the top level; locations with a client certificate mapping section: \"Other\""))
      << error.what();
}

TEST(IisLoader, NoMappingSectionAnywhere) {
  std::string xml = configuration(web_server("<windowsAuthentication enabled=\"true\"/>\n"));
  auto error = capture_error([&] { parse_iis(xml, "web.config", ""); });
  EXPECT_TRUE(contains(error.message(), "the file has no client certificate mapping section at all")) << error.what();
}

TEST(IisLoader, DisabledSectionKeepsTheListsButSwitchesOff) {
  std::string blob = leaf_blob();
  std::string section = "<iisClientCertificateMappingAuthentication enabled=\"false\">\n"
                        "<oneToOneMappings><add userName=\"a\" certificate=\"" + blob + "\"/></oneToOneMappings>\n"
                        "<manyToOneMappings><add name=\"m\" userName=\"u\"/></manyToOneMappings>\n"
                        "</iisClientCertificateMappingAuthentication>\n";
  IisPolicy policy = parse_iis(configuration(web_server(section)), "web.config", "");
  EXPECT_FALSE(policy.mapping.one_to_one_enabled);
  EXPECT_FALSE(policy.mapping.many_to_one_enabled);
  EXPECT_EQ(policy.mapping.one_to_one.size(), 1u);
  EXPECT_EQ(policy.mapping.many_to_one.size(), 1u);
}

TEST(IisLoader, SectionIsOffUnlessEnabledAsInIis) {
  std::string section = "<iisClientCertificateMappingAuthentication>\n"
                        "<manyToOneMappings><add name=\"m\" userName=\"u\"/></manyToOneMappings>\n"
                        "</iisClientCertificateMappingAuthentication>\n";
  IisPolicy policy = parse_iis(configuration(web_server(section)), "web.config", "");
  EXPECT_FALSE(policy.mapping.many_to_one_enabled);
  EXPECT_FALSE(policy.mapping.one_to_one_enabled);
}

TEST(IisLoader, OneSwitchOff) {
  std::string section = "<iisClientCertificateMappingAuthentication enabled=\"TRUE\" oneToOneCertificateMappingsEnabled=\"False\"/>\n";
  IisPolicy policy = parse_iis(configuration(web_server(section)), "web.config", "");
  EXPECT_FALSE(policy.mapping.one_to_one_enabled);
  EXPECT_TRUE(policy.mapping.many_to_one_enabled);
  EXPECT_FALSE(policy.mapping.has_mappings());
}

TEST(IisLoader, ClearAndRemoveInCollections) {
  std::string blob = leaf_blob();
  std::string other = base64_encode(std::string("\x30\x04\x30\x02\x05\x00", 6));
  std::string section =
      "<iisClientCertificateMappingAuthentication enabled=\"true\">\n"
      "<oneToOneMappings>\n"
      "<add userName=\"gone\" certificate=\"" + other + "\"/>\n"
      "<clear/>\n"
      "<add userName=\"kept\" certificate=\"" + blob + "\"/>\n"
      "<add userName=\"removed\" certificate=\"" + other + "\"/>\n"
      "<remove certificate=\"" + other + "\"/>\n"
      "</oneToOneMappings>\n"
      "<manyToOneMappings>\n"
      "<add name=\"first\" userName=\"u\"/>\n"
      "<add name=\"second\" userName=\"u\">\n"
      "<rules><add certificateField=\"Subject\" certificateSubField=\"CN\" matchCriteria=\"a\"/><clear/>"
      "<add certificateField=\"Subject\" certificateSubField=\"O\" matchCriteria=\"b\"/>"
      "<add certificateField=\"Issuer\" certificateSubField=\"CN\" matchCriteria=\"c\"/>"
      "<remove certificateField=\"Issuer\" certificateSubField=\"CN\" matchCriteria=\"c\"/></rules>\n"
      "</add>\n"
      "<remove name=\"FIRST\"/>\n"
      "</manyToOneMappings>\n"
      "</iisClientCertificateMappingAuthentication>\n";
  IisPolicy policy = parse_iis(configuration(web_server(section)), "web.config", "");
  ASSERT_EQ(policy.mapping.one_to_one.size(), 1u);
  EXPECT_EQ(policy.mapping.one_to_one[0].user, "kept");
  ASSERT_EQ(policy.mapping.many_to_one.size(), 1u);
  EXPECT_EQ(policy.mapping.many_to_one[0].name, "second");
  ASSERT_EQ(policy.mapping.many_to_one[0].rules.size(), 1u);
  EXPECT_EQ(policy.mapping.many_to_one[0].rules[0].subfield, "O");

  std::string cleared = "<iisClientCertificateMappingAuthentication enabled=\"true\">\n"
                        "<manyToOneMappings><add name=\"m\" userName=\"u\"/><clear/></manyToOneMappings>\n"
                        "</iisClientCertificateMappingAuthentication>\n";
  EXPECT_TRUE(parse_iis(configuration(web_server(cleared)), "web.config", "").mapping.many_to_one.empty());
}

TEST(IisLoader, SslFlagsToMode) {
  auto mode_for = [](const std::string& access) {
    return parse_iis(configuration(web_server(kSimpleSection, "", access)), "web.config", "").mode;
  };
  EXPECT_FALSE(mode_for("").has_value());
  EXPECT_FALSE(mode_for("<access/>\n").has_value());
  EXPECT_EQ(mode_for("<access sslFlags=\"\"/>\n"), ClientCertMode::ignore);
  EXPECT_EQ(mode_for("<access sslFlags=\"None\"/>\n"), ClientCertMode::ignore);
  EXPECT_EQ(mode_for("<access sslFlags=\"Ssl\"/>\n"), ClientCertMode::ignore);
  EXPECT_EQ(mode_for("<access sslFlags=\"Ssl, Ssl128\"/>\n"), ClientCertMode::ignore);
  EXPECT_EQ(mode_for("<access sslFlags=\"Ssl, SslNegotiateCert\"/>\n"), ClientCertMode::accept);
  EXPECT_EQ(mode_for("<access sslFlags=\"SslNegotiateCert\"/>\n"), ClientCertMode::accept);
  EXPECT_EQ(mode_for("<access sslFlags=\"Ssl,SslNegotiateCert,SslRequireCert\"/>\n"), ClientCertMode::require);
  EXPECT_EQ(mode_for("<access sslFlags=\"ssl sslrequirecert\"/>\n"), ClientCertMode::require);
  EXPECT_EQ(mode_for("<access sslFlags=\"SslRequireCert, SslMapCert\"/>\n"), ClientCertMode::require);
}

TEST(IisLoader, UnknownSslFlagIsAnError) {
  std::string xml = configuration(web_server(kSimpleSection, "", "<access sslFlags=\"Ssl, SslRequire\"/>\n"));
  // <access> is on line 9: configuration, system.webServer, security, authentication, 3 section lines, </authentication>.
  EXPECT_CONFIG_ERROR_AT(parse_iis(xml, "web.config", ""), 9, 1, "<access> sslFlags: unknown flag 'sslrequire'");
}

TEST(IisLoader, AnonymousAuthenticationOfTheSameLocation) {
  auto anonymous = [](const std::string& authentication) {
    return parse_iis(configuration(web_server(kSimpleSection, authentication)), "web.config", "").mapping.anonymous;
  };
  EXPECT_TRUE(anonymous("<anonymousAuthentication enabled=\"true\"/>\n"));
  EXPECT_FALSE(anonymous("<anonymousAuthentication enabled=\"false\"/>\n"));
  EXPECT_FALSE(anonymous(""));

  // Enabled at the top level only: the site location inherits it, as in IIS.
  std::string xml = configuration(web_server("", "<anonymousAuthentication enabled=\"true\"/>\n") +
                                  "<location path=\"Site\">\n" + web_server(kSimpleSection) + "</location>\n");
  EXPECT_TRUE(parse_iis(xml, "a.config", "Site").mapping.anonymous);
  // Written in the location, it wins.
  std::string off = configuration(web_server("", "<anonymousAuthentication enabled=\"true\"/>\n") +
                                  "<location path=\"Site\">\n" +
                                  web_server(kSimpleSection, "<anonymousAuthentication enabled=\"false\"/>\n") +
                                  "</location>\n");
  EXPECT_FALSE(parse_iis(off, "a.config", "Site").mapping.anonymous);
}

TEST(IisLoader, XmlSyntaxErrorPosition) {
  std::string xml = "<configuration>\n  <system.webServer>\n    <security>\n  </system.webServer>\n</configuration>\n";
  EXPECT_CONFIG_ERROR_AT(parse_iis(xml, "web.config", ""), 4, 5, "XML syntax: Start-end tags mismatch");
  EXPECT_CONFIG_ERROR_AT(parse_iis("<configuration>\n<a b=\"1></configuration>", "web.config", ""), 2, 7, "XML syntax");
  EXPECT_CONFIG_ERROR_AT(parse_iis("", "web.config", ""), 1, 1, "XML syntax");
}

TEST(IisLoader, WindowsLineEndingsKeepPositions) {
  std::string xml =
      "<configuration>\r\n <system.webServer>\r\n  <security>\r\n   <authentication>\r\n"
      "    <iisClientCertificateMappingAuthentication enabled=\"true\">\r\n     <manyToOneMappings>\r\n"
      "      <add name=\"m\" userName=\"u\">\r\n       <rules>\r\n"
      "        <add certificateField=\"Subjekt\" certificateSubField=\"CN\" matchCriteria=\"x\"/>\r\n"
      "       </rules>\r\n      </add>\r\n     </manyToOneMappings>\r\n    </iisClientCertificateMappingAuthentication>\r\n"
      "   </authentication>\r\n  </security>\r\n </system.webServer>\r\n</configuration>\r\n";
  EXPECT_CONFIG_ERROR_AT(parse_iis(xml, "web.config", ""), 9, 9,
                         "<rules> add certificateField: 'Subjekt' is not allowed; expected Subject or Issuer");
}

TEST(IisLoader, BadValuesPointAtTheirElement) {
  auto section_with = [](const std::string& collections) {
    return configuration(web_server("<iisClientCertificateMappingAuthentication enabled=\"true\">\n" + collections +
                                    "</iisClientCertificateMappingAuthentication>\n"));
  };
  // Lines: 1 configuration, 2 system.webServer, 3 security, 4 authentication, 5 section, 6 first collection line.
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n  <add name=\"m\" permissionMode=\"Maybe\"/>\n"
                                                "</manyToOneMappings>\n"),
                                   "w", ""),
                         7, 3, "permissionMode: 'Maybe' is not allowed; expected Allow or Deny");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<oneToOneMappings>\n <add userName=\"a\" certificate=\"***\"/>\n"
                                                "</oneToOneMappings>\n"),
                                   "w", ""),
                         7, 20, "certificate in <oneToOneMappings>: this is not base64 ('*' at offset 0)");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<oneToOneMappings>\n<add userName=\"a\" certificate=\"aGVsbG8=\"/>\n"
                                                "</oneToOneMappings>\n"),
                                   "w", ""),
                         7, 19, "this is base64 of 5 bytes that are not a DER certificate");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<oneToOneMappings>\n<add userName=\"a\"/>\n</oneToOneMappings>\n"), "w", ""),
                         7, 1, "missing required attribute certificate");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<oneToOneMappings>\n<add certificate=\"" + leaf_blob() + "\"/>\n"
                                                "</oneToOneMappings>\n"),
                                   "w", ""),
                         7, 1, "missing required attribute userName");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n<add name=\"m\"/>\n</manyToOneMappings>\n"), "w", ""),
                         7, 1, "missing required attribute userName");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n<add name=\"m\" userName=\"u\" enabled=\"yes\"/>\n"
                                                "</manyToOneMappings>\n"),
                                   "w", ""),
                         7, 1, "enabled: 'yes' is not a boolean");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n<add name=\"m\" userName=\"u\"><rules>\n"
                                                "<add certificateField=\"Subject\" certificateSubField=\"XX\" matchCriteria=\"x\"/>\n"
                                                "</rules></add>\n</manyToOneMappings>\n"),
                                   "w", ""),
                         8, 1, "unknown subfield 'XX'");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n<add name=\"m\" userName=\"u\"/>\n<add name=\"M\" userName=\"u\"/>\n"
                                                "</manyToOneMappings>\n"),
                                   "w", ""),
                         8, 1, "duplicate many-to-one mapping 'M'");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMapping/>\n"), "w", ""), 6, 1, "unexpected <manyToOneMapping>");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n<ad name=\"m\"/>\n</manyToOneMappings>\n"), "w", ""),
                         7, 1, "unexpected <ad>");
}

// ---- a section that gives no mapping refuses every certificate, as IIS does (never chain-only) ----

core::Decision decide_verified(const core::MappingPolicy& mapping, core::ClientCertMode mode = ClientCertMode::require) {
  core::CertDigest cert;
  cert.subject.attributes.push_back({"2.5.4.3", "CN", "edge.example.com"});
  cert.subject.rfc4514 = "CN=edge.example.com";
  cert.der = "DER of edge.example.com";
  const auto compiled = core::CompiledPolicy::compile(mapping, mode);
  return core::decide(*compiled, &cert, core::VerifyResult{core::VerifyStatus::ok, 0, -1, ""});
}

TEST(IisLoader, DisabledSectionRefusesEveryCertificateWith401Dot2) {
  for (const std::string section : {
           "<iisClientCertificateMappingAuthentication enabled=\"false\" />\n",
           "<iisClientCertificateMappingAuthentication />\n",  // IIS's default is false
           "<iisClientCertificateMappingAuthentication enabled=\"false\">\n"
           "<manyToOneMappings><add name=\"all\" userName=\"u\"/></manyToOneMappings>\n"
           "</iisClientCertificateMappingAuthentication>\n",
       }) {
    IisPolicy policy = parse_iis(configuration(web_server(section)), "web.config", "");
    EXPECT_FALSE(policy.mapping.chain_only) << section;
    EXPECT_EQ(policy.mapping.where.to_string(), "web.config:5:1") << section;
    const core::Decision d = decide_verified(policy.mapping);
    EXPECT_FALSE(d.admitted) << section;
    EXPECT_EQ(d.status_text(), "401.2") << section;
    EXPECT_EQ(d.identity, "");
  }
}

TEST(IisLoader, ClearedCollectionsRefuseEveryCertificateWith401Dot2) {
  const std::string section =
      "<iisClientCertificateMappingAuthentication enabled=\"true\">\n"
      "<oneToOneMappings><add userName=\"one\" certificate=\"" + leaf_blob() + "\"/><clear/></oneToOneMappings>\n"
      "<manyToOneMappings><add name=\"all\" userName=\"u\"/><add name=\"b\" userName=\"u\"/><clear/>"
      "</manyToOneMappings>\n"
      "</iisClientCertificateMappingAuthentication>\n";
  IisPolicy policy = parse_iis(configuration(web_server(section)), "web.config", "");
  EXPECT_FALSE(policy.mapping.has_mappings());
  EXPECT_FALSE(policy.mapping.chain_only);
  const core::Decision d = decide_verified(policy.mapping);
  EXPECT_EQ(d.status_text(), "401.2");
  EXPECT_NE(d.reason.find("no mapping is configured"), std::string::npos) << d.reason;

  // Removed one by one: the same.
  const std::string removed =
      "<iisClientCertificateMappingAuthentication enabled=\"true\">\n"
      "<manyToOneMappings><add name=\"all\" userName=\"u\"/><remove name=\"ALL\"/></manyToOneMappings>\n"
      "</iisClientCertificateMappingAuthentication>\n";
  EXPECT_EQ(decide_verified(parse_iis(configuration(web_server(removed)), "web.config", "").mapping).status_text(),
            "401.2");
}

TEST(IisLoader, AnonymousAuthenticationStillAdmitsAnonymously) {
  const std::string section = "<iisClientCertificateMappingAuthentication enabled=\"false\" />\n";
  IisPolicy policy = parse_iis(configuration(web_server(section, "<anonymousAuthentication enabled=\"true\"/>\n")),
                               "web.config", "");
  const core::Decision d = decide_verified(policy.mapping, ClientCertMode::accept);
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "") << "anonymous: no identity, as in IIS";
  EXPECT_EQ(d.mapping, "");
}

// ---- attribute values that reach headers and log lines ----

TEST(IisLoader, ControlCharactersInNamesUsersDescriptionsAndMatchesAreRefused) {
  auto section_with = [](const std::string& collections) {
    return configuration(web_server("<iisClientCertificateMappingAuthentication enabled=\"true\">\n" + collections +
                                    "</iisClientCertificateMappingAuthentication>\n"));
  };
  // An XML parser turns a literal line break inside a value into a space; a character reference stays one.
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n<add name=\"m\"\n     userName=\"evil&#13;&#10;X-Injected: 1\"/>\n"
                                                "</manyToOneMappings>\n"),
                                   "w", ""),
                         8, 6,
                         "<add> userName in <manyToOneMappings>: contains the control character 0x0D (CR) at byte 5");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n<add name=\"a&#10;b\" userName=\"u\"/>\n"
                                                "</manyToOneMappings>\n"),
                                   "w", ""),
                         7, 6, "<add> name in <manyToOneMappings>: contains the control character 0x0A (LF) at byte 2");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n<add name=\"m\" userName=\"u\" description=\"x&#9;y\"/>\n"
                                                "</manyToOneMappings>\n"),
                                   "w", ""),
                         7, 28, "<add> description in <manyToOneMappings>: contains the control character 0x09 (TAB)");
  EXPECT_CONFIG_ERROR_AT(
      parse_iis(section_with("<manyToOneMappings>\n<add name=\"m\" userName=\"u\"><rules>\n"
                             "<add certificateField=\"Subject\" certificateSubField=\"CN\" matchCriteria=\"a&#13;\"/>\n"
                             "</rules></add>\n</manyToOneMappings>\n"),
                "w", ""),
      8, 58, "<add> matchCriteria in <rules>: contains the control character 0x0D (CR)");
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<oneToOneMappings>\n<add userName=\"a&#27;[2J\" certificate=\"" + leaf_blob() +
                                                "\"/>\n</oneToOneMappings>\n"),
                                   "w", ""),
                         7, 6, "<add> userName in <oneToOneMappings>: contains the control character 0x1B (ESC)");
  // A deny mapping's user is not sent, but it is still a name that reaches logs and tools.
  EXPECT_CONFIG_ERROR_AT(parse_iis(section_with("<manyToOneMappings>\n<add name=\"d\" permissionMode=\"Deny\" userName=\"&#127;\"/>\n"
                                                "</manyToOneMappings>\n"),
                                   "w", ""),
                         7, 37, "contains the control character 0x7F (DEL)");
  // Passwords are opaque: never sent, never logged.
  IisPolicy fine = parse_iis(section_with("<manyToOneMappings>\n<add name=\"m\" userName=\"CONTOSO\\édge\" password=\"p&#9;w\"/>\n"
                                          "</manyToOneMappings>\n"),
                             "w", "");
  EXPECT_EQ(fine.mapping.many_to_one.at(0).password, "p\tw");
  EXPECT_EQ(fine.mapping.many_to_one.at(0).user, "CONTOSO\\édge");
}

// A file saved in a legacy code page: "é" as the single Latin-1 byte 0xE9, which pugixml passes through.
TEST(IisLoader, ValuesThatAreNotUtf8AreRefused) {
  auto rules_with = [](const std::string& match) {
    return configuration(web_server(
        "<iisClientCertificateMappingAuthentication enabled=\"true\">\n<manyToOneMappings>\n"
        "<add name=\"m\" userName=\"u\"><rules>\n"
        "<add certificateField=\"Subject\" certificateSubField=\"O\" matchCriteria=\"" + match + "\"/>\n"
        "</rules></add>\n</manyToOneMappings>\n</iisClientCertificateMappingAuthentication>\n"));
  };
  EXPECT_CONFIG_ERROR_AT(parse_iis(rules_with("Soci\xE9t\xE9*"), "w", ""), 8, 57,
                         "<add> matchCriteria in <rules>: is not UTF-8 (the byte 0xE9 at byte 4 does not start a "
                         "well-formed UTF-8 character); save the file as UTF-8 or UTF-16");
  // The same text written in UTF-8, or as a character reference, is read.
  EXPECT_EQ(parse_iis(rules_with("Soci\xC3\xA9t\xC3\xA9*"), "w", "").mapping.many_to_one.at(0).rules.at(0).match,
            "Soci\xC3\xA9t\xC3\xA9*");
  EXPECT_EQ(parse_iis(rules_with("Soci&#233;t&#233;*"), "w", "").mapping.many_to_one.at(0).rules.at(0).match,
            "Soci\xC3\xA9t\xC3\xA9*");
}

std::string utf16(const std::string& ascii, bool little, bool bom) {
  std::string out;
  if (bom) out += little ? std::string("\xFF\xFE") : std::string("\xFE\xFF");
  for (char c : ascii) {
    out += little ? std::string{c, '\0'} : std::string{'\0', c};
  }
  return out;
}

// A web.config saved as UTF-16 (Notepad, Visual Studio) reads as the same policy, at the same positions.
TEST(IisLoader, Utf16FilesReadWithTheirOwnPositions) {
  std::string xml = configuration(web_server(kSimpleSection));
  const IisPolicy expected = parse_iis(xml, "web.config", "");
  for (bool little : {true, false}) {
    for (bool bom : {true, false}) {
      const IisPolicy got = parse_iis(utf16(xml, little, bom), "web.config", "");
      ASSERT_EQ(got.mapping.many_to_one.size(), expected.mapping.many_to_one.size());
      EXPECT_EQ(got.mapping.many_to_one.at(0).where.to_string(), expected.mapping.many_to_one.at(0).where.to_string())
          << "little=" << little << " bom=" << bom;
    }
  }
  // An error in a UTF-16 file points where it is.
  std::string bad = configuration(web_server("<iisClientCertificateMappingAuthentication enabled=\"maybe\" />\n"));
  EXPECT_CONFIG_ERROR_AT(parse_iis(utf16(bad, true, true), "w", ""), 5, 1, "is not a boolean");
  // A lone surrogate is not UTF-16.
  std::string lone = utf16(xml, true, true) + std::string("\x00\xD8", 2);
  EXPECT_THROW(parse_iis(lone, "w", ""), ConfigError);
}

// <section configSource="..."> keeps the section in another file: refused, not read as an empty section.
TEST(IisLoader, ConfigSourceIsRefusedNotReadAsEmpty) {
  std::string xml = configuration(
      "<location path=\"Default Web Site\">\n"
      "<system.webServer><security><authentication>\n"
      "<iisClientCertificateMappingAuthentication configSource=\"certmap.config\" />\n"
      "</authentication></security></system.webServer>\n</location>\n");
  EXPECT_CONFIG_ERROR_AT(parse_iis(xml, "w", "Default Web Site"), 4, 44,
                         "<iisClientCertificateMappingAuthentication> configSource=\"certmap.config\": IIS keeps "
                         "this section in that file, and certgate does not follow configSource");
}

TEST(IisLoader, DuplicateSectionInOneLocation) {
  std::string xml = configuration(web_server(kSimpleSection) + web_server(kSimpleSection));
  EXPECT_CONFIG_ERROR_AT(parse_iis(xml, "web.config", ""), 14, 1,
                         "duplicate <iisClientCertificateMappingAuthentication> section (first at web.config:5:1)");
}

TEST(IisLoader, RootMustBeConfigurationOrAFragment) {
  EXPECT_CONFIG_ERROR_AT(parse_iis("\n  <rewrite/>\n", "snippet.xml", ""), 2, 3, "root element is <rewrite>");
}

TEST(IisLoader, ReadsAFile) {
  test_support::TempDir dir;
  std::string path = dir.write("web.config", "\xEF\xBB\xBF" + configuration(web_server(kSimpleSection)));
  IisPolicy policy = load_iis_file(path, "");
  ASSERT_EQ(policy.mapping.many_to_one.size(), 1u);
  EXPECT_EQ(policy.mapping.many_to_one[0].where.file, path);
  EXPECT_EQ(policy.mapping.many_to_one[0].where.line, 6);

  auto error = capture_error([&] { load_iis_file(dir.path("missing.config"), ""); });
  EXPECT_EQ(error.where().file, dir.path("missing.config"));
  EXPECT_TRUE(contains(error.message(), "cannot read the IIS configuration")) << error.what();
}

}  // namespace
}  // namespace certgate::config
