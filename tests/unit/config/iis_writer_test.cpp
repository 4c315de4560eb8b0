#include "config/iis_writer.hpp"

#include <gtest/gtest.h>

#include "config/cert_text.hpp"
#include "config/load.hpp"
#include "config_test_support.hpp"

namespace certgate::config {
namespace {

using test_support::contains;
using test_support::kLeafDer;
using test_support::read_bytes;

core::MappingPolicy sample_policy() {
  core::MappingPolicy p;
  p.anonymous = false;
  core::OneToOneMapping one;
  one.der = read_bytes(kLeafDer);
  one.user = "cloudflare";
  one.name = "cloudflare";
  one.password = "[enc:AesProvider:c2VjcmV0:enc]";
  p.one_to_one.push_back(one);
  core::ManyToOneMapping edge;
  edge.name = "Edge & \"CDN\" <prod>";
  edge.description = "front door";
  edge.user = "cdn";
  edge.password = "tab\there";  // names cannot hold control characters (the loaders refuse them); passwords can
  edge.rules.push_back({core::RuleField::subject, "CN", "origin-pull.cloudflare.net", true, {}});
  edge.rules.push_back({core::RuleField::issuer, "ST", "Calif*", false, {}});
  p.many_to_one.push_back(edge);
  core::ManyToOneMapping block;
  block.name = "block";
  block.permission = core::Permission::deny;
  block.enabled = false;
  p.many_to_one.push_back(block);
  return p;
}

TEST(IisWriter, SslFlagsPerMode) {
  EXPECT_EQ(ssl_flags_for(core::ClientCertMode::ignore), "Ssl");
  EXPECT_EQ(ssl_flags_for(core::ClientCertMode::accept), "Ssl, SslNegotiateCert");
  EXPECT_EQ(ssl_flags_for(core::ClientCertMode::require), "Ssl, SslNegotiateCert, SslRequireCert");
}

TEST(IisWriter, AttributeEscaping) {
  EXPECT_EQ(xml_attribute_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(xml_attribute_escape("x\ty\nz\r"), "x&#9;y&#10;z&#13;");
  EXPECT_EQ(xml_attribute_escape("日本 😀"), "日本 😀");
  try {
    xml_attribute_escape(std::string("bell\x07"));
    FAIL() << "a control character must be refused";
  } catch (const IisWriteError& e) {
    EXPECT_TRUE(contains(e.what(), "U+0007")) << e.what();
  }
}

TEST(IisWriter, SectionHasEveryAttributeIisWrites) {
  std::string xml = iis_configuration_xml({sample_policy(), core::ClientCertMode::require, ""});
  EXPECT_TRUE(contains(xml, "<access sslFlags=\"Ssl, SslNegotiateCert, SslRequireCert\" />")) << xml;
  EXPECT_TRUE(contains(xml, "<anonymousAuthentication enabled=\"false\" />")) << xml;
  EXPECT_TRUE(contains(xml, "<iisClientCertificateMappingAuthentication enabled=\"true\" "
                            "oneToOneCertificateMappingsEnabled=\"true\" manyToOneCertificateMappingsEnabled=\"true\">"))
      << xml;
  // The blob is the DER as one base64 line; the encrypted password is kept as it was.
  EXPECT_TRUE(contains(xml, "<add userName=\"cloudflare\" password=\"[enc:AesProvider:c2VjcmV0:enc]\" certificate=\"" +
                                base64_encode(read_bytes(kLeafDer)) + "\" enabled=\"true\" />"))
      << xml;
  EXPECT_TRUE(contains(xml, "<add name=\"Edge &amp; &quot;CDN&quot; &lt;prod&gt;\" description=\"front door\" "
                            "enabled=\"true\" permissionMode=\"Allow\" userName=\"cdn\" password=\"tab&#9;here\">"))
      << xml;
  EXPECT_TRUE(contains(xml, "<add certificateField=\"Issuer\" certificateSubField=\"ST\" matchCriteria=\"Calif*\" "
                            "compareCaseSensitive=\"false\" />"))
      << xml;
  EXPECT_TRUE(contains(xml, "<add name=\"block\" description=\"\" enabled=\"false\" permissionMode=\"Deny\" "
                            "userName=\"\" password=\"\" />"))
      << xml;
  // <clear/> first, so that inherited mappings do not add to the exported ones.
  EXPECT_TRUE(contains(xml, "<oneToOneMappings>\n            <clear />")) << xml;
  EXPECT_TRUE(contains(xml, "<manyToOneMappings>\n            <clear />")) << xml;
  EXPECT_FALSE(contains(xml, "<location")) << xml;
}

TEST(IisWriter, LocationWrapsTheSection) {
  std::string xml = iis_configuration_xml({sample_policy(), core::ClientCertMode::accept, "Default Web Site/api"});
  EXPECT_TRUE(contains(xml, "<configuration>\n  <location path=\"Default Web Site/api\">\n    <system.webServer>"))
      << xml;
  IisPolicy back = parse_iis(xml, "out.config", "Default Web Site/api");
  EXPECT_EQ(back.mode, core::ClientCertMode::accept);
  EXPECT_EQ(back.locations, std::vector<std::string>{"Default Web Site/api"});
  EXPECT_EQ(back.mapping.many_to_one.size(), 2u);
}

TEST(IisWriter, OneToOneLabelBecomesAComment) {
  core::MappingPolicy p = sample_policy();
  p.one_to_one[0].name = "edge -- 2024";
  std::string xml = iis_configuration_xml({p, core::ClientCertMode::require, ""});
  EXPECT_TRUE(contains(xml, "<!-- edge - - 2024 -->")) << xml;
  // IIS has nowhere to keep it: read back, the label is the user name again.
  EXPECT_EQ(parse_iis(xml, "out.config", "").mapping.one_to_one[0].name, "cloudflare");
}

TEST(IisWriter, AppcmdCommandsInOrder) {
  auto lines = appcmd_commands({sample_policy(), core::ClientCertMode::require, ""}, "Default Web Site");
  const std::string section = "-section:system.webServer/security/authentication/iisClientCertificateMappingAuthentication";
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[0], "appcmd.exe clear config \"Default Web Site\" " + section + " /commit:apphost");
  EXPECT_EQ(lines[1], "appcmd.exe set config \"Default Web Site\" " + section +
                          " /enabled:\"True\" /oneToOneCertificateMappingsEnabled:\"True\" "
                          "/manyToOneCertificateMappingsEnabled:\"True\" /commit:apphost");
  // The encrypted password cannot be reused on another machine: left out, with a note.
  EXPECT_EQ(lines[2].rfind("REM one-to-one mapping for user cloudflare: set its password again", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3], "appcmd.exe set config \"Default Web Site\" " + section + " /+\"oneToOneMappings.[userName='cloudflare',certificate='" +
                          base64_encode(read_bytes(kLeafDer)) + "',enabled='True']\" /commit:apphost");
  // The edge mapping has a double quote in its name: appcmd cannot be given it.
  EXPECT_EQ(lines[4].rfind("REM many-to-one mapping Edge & ?CDN? <prod>: name contains a double quote", 0), 0u) << lines[4];
  EXPECT_EQ(lines[5], "appcmd.exe set config \"Default Web Site\" " + section +
                          " /+\"manyToOneMappings.[name='block',enabled='False',permissionMode='Deny']\" /commit:apphost");
  EXPECT_EQ(lines[6], "appcmd.exe set config \"Default Web Site\" -section:system.webServer/security/authentication/"
                      "anonymousAuthentication /enabled:\"False\" /commit:apphost");
  EXPECT_EQ(lines[7], "appcmd.exe set config \"Default Web Site\" -section:system.webServer/security/access "
                      "/sslFlags:\"Ssl, SslNegotiateCert, SslRequireCert\" /commit:apphost");
}

TEST(IisWriter, AppcmdRulesAreAddedUnderTheirMapping) {
  core::MappingPolicy p = sample_policy();
  p.many_to_one[0].name = "edge";
  p.many_to_one[0].description = "the CDN, [edge]";
  p.many_to_one[0].password = "";
  auto lines = appcmd_commands({p, core::ClientCertMode::require, ""}, "Default Web Site/api");
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  EXPECT_TRUE(contains(all, "/+\"manyToOneMappings.[name='edge',description='the CDN, [edge]',enabled='True',"
                            "permissionMode='Allow',userName='cdn']\"")) << all;
  EXPECT_TRUE(contains(all, "/+\"manyToOneMappings.[name='edge'].rules.[certificateField='Subject',"
                            "certificateSubField='CN',matchCriteria='origin-pull.cloudflare.net',"
                            "compareCaseSensitive='True']\" /commit:apphost\n")) << all;
  EXPECT_TRUE(contains(all, "/+\"manyToOneMappings.[name='edge'].rules.[certificateField='Issuer',"
                            "certificateSubField='ST',matchCriteria='Calif*',compareCaseSensitive='False']\"")) << all;
  EXPECT_FALSE(contains(all, "REM many-to-one mapping edge")) << all;
  // A tab cannot be typed into cmd.exe: the mapping is left to the XML, and the REM line says why.
  p.many_to_one[0].description = "tab\there";
  all.clear();
  for (const auto& line : appcmd_commands({p, core::ClientCertMode::require, ""}, "Default Web Site/api")) all += line + "\n";
  EXPECT_TRUE(contains(all, "REM many-to-one mapping edge: description contains a control character")) << all;
  EXPECT_FALSE(contains(all, "[name='edge'")) << all;
}

// TOML may repeat a rule; IIS refuses a repeated rule key (500.19), and a repeated rule adds no condition.
TEST(IisWriter, RepeatedRulesAreWrittenOnceAndReadBack) {
  core::MappingPolicy p = sample_policy();
  p.many_to_one[0].name = "edge";
  p.many_to_one[0].password = "";
  auto& rules = p.many_to_one[0].rules;
  rules.push_back({core::RuleField::subject, "cn", "origin-pull.cloudflare.net", true, {}});  // the first, again
  rules.push_back({core::RuleField::subject, "CN", "origin-pull.cloudflare.net", false, {}});  // another key
  const std::string xml = iis_configuration_xml({p, core::ClientCertMode::require, ""});
  std::size_t count = 0;
  for (std::size_t at = xml.find("matchCriteria=\"origin-pull.cloudflare.net\""); at != std::string::npos;
       at = xml.find("matchCriteria=\"origin-pull.cloudflare.net\"", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 2u) << xml;
  const IisPolicy back = parse_iis(xml, "export.xml", "");  // IIS's reader refuses a repeated key; certgate's too
  EXPECT_EQ(back.mapping.many_to_one.at(0).rules.size(), 3u);
  std::string all;
  for (const auto& line : appcmd_commands({p, core::ClientCertMode::require, ""}, "Default Web Site")) all += line + "\n";
  EXPECT_EQ(all.find("certificateSubField='cn'"), std::string::npos) << all;
}

TEST(IisWriter, AppcmdRefusesAnUnquotableSitePath) {
  EXPECT_THROW(appcmd_commands({sample_policy(), core::ClientCertMode::require, ""}, "Site \"x\""), IisWriteError);
  EXPECT_THROW(appcmd_commands({sample_policy(), core::ClientCertMode::require, ""}, ""), IisWriteError);
}

}  // namespace
}  // namespace certgate::config
