#include "config/toml_writer.hpp"

#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config/mapping_difference.hpp"
#include "config_test_support.hpp"

namespace certgate::config {
namespace {

using test_support::contains;
using test_support::kLeafDer;
using test_support::kLeafSha256;
using test_support::read_bytes;

TEST(TomlWriter, StringEscapes) {
  EXPECT_EQ(toml_string("plain"), "\"plain\"");
  EXPECT_EQ(toml_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(toml_string("t\tn\nr\r"), "\"t\\tn\\nr\\r\"");
  EXPECT_EQ(toml_string(std::string("nul\0del\x7f", 8)), "\"nul\\u0000del\\u007F\"");
  EXPECT_EQ(toml_string("日本 😀 '''"), "\"日本 😀 '''\"");
}

TEST(TomlWriter, CommentsStayOnOneLine) {
  EXPECT_EQ(toml_comment("a\nb\rc\td"), "a b c\td");
}

TEST(TomlWriter, WritesEveryFieldWithProvenance) {
  core::MappingPolicy p;
  p.many_to_one_enabled = false;
  p.anonymous = true;
  core::OneToOneMapping one;
  one.der = read_bytes(kLeafDer);
  one.user = "cf";
  one.name = "Cloudflare leaf";
  one.enabled = false;
  one.password = "[enc:AesProvider:abc:enc]";
  one.where = {"site/web.config", 12, 14};
  p.one_to_one.push_back(one);
  core::ManyToOneMapping many;
  many.name = "Deny \"contractors\"";
  many.permission = core::Permission::deny;
  many.where = {"site/web.config", 20, 14};
  many.rules.push_back({core::RuleField::subject, "S", "Wash*", false, {"site/web.config", 22, 18}});
  p.many_to_one.push_back(many);
  core::ManyToOneMapping open;
  open.name = "anyone";
  open.user = "guest";
  p.many_to_one.push_back(open);

  TomlWriteOptions options;
  options.header = {"imported from site/web.config"};
  options.mode_comment = "from <access sslFlags=\"Ssl, SslNegotiateCert\">";
  std::string toml = write_mapping_toml(p, core::ClientCertMode::accept, options);

  EXPECT_EQ(toml.rfind("# imported from site/web.config\n\n[tls]\n# from <access sslFlags=\"Ssl, SslNegotiateCert\">\n"
                       "mode = \"accept\"\n", 0), 0u) << toml;
  EXPECT_TRUE(contains(toml, "# from site/web.config:12:14\n# certificate SHA-256 " + kLeafSha256 +
                                 "\n[[mapping.one_to_one]]\nuser = \"cf\"\nname = \"Cloudflare leaf\"\nenabled = false\n"
                                 "password = \"[enc:AesProvider:abc:enc]\"\nblob = \""))
      << toml;
  EXPECT_TRUE(contains(toml, "# from site/web.config:20:14\n[[mapping.many_to_one]]\nname = \"Deny \\\"contractors\\\"\"\n"
                             "permission = \"deny\"\n"))
      << toml;
  EXPECT_TRUE(contains(toml, "  # from site/web.config:22:18\n  [[mapping.many_to_one.rules]]\n  field = \"subject\"\n"
                             "  subfield = \"S\"\n  match = \"Wash*\"\n  case_sensitive = false\n"))
      << toml;
  EXPECT_TRUE(contains(toml, "user = \"guest\"\n# no rules: matches every certificate that verifies\n")) << toml;

  GatewayConfig back = parse_toml(toml, "written.toml");
  EXPECT_EQ(mapping_difference(p, back.default_host.mapping), "");
  EXPECT_EQ(back.default_host.tls.mode, core::ClientCertMode::accept);
}

TEST(TomlWriter, NoModeNoTlsTable) {
  std::string toml = write_mapping_toml(core::MappingPolicy{}, std::nullopt, {});
  EXPECT_FALSE(contains(toml, "[tls]")) << toml;
  EXPECT_EQ(toml, "[mapping]\none_to_one_enabled = true\nmany_to_one_enabled = true\nanonymous = false\n");
  EXPECT_EQ(mapping_difference(core::MappingPolicy{}, parse_toml(toml, "x.toml").default_host.mapping), "");
}

TEST(TomlWriter, ChainOnlyIsWrittenAndReadBack) {
  core::MappingPolicy chain;
  chain.chain_only = true;
  std::string toml = write_mapping_toml(chain, std::nullopt, {});
  EXPECT_TRUE(contains(toml, "\nchain_only = true\n")) << toml;
  EXPECT_TRUE(parse_toml(toml, "x.toml").default_host.mapping.chain_only);
  EXPECT_EQ(mapping_difference(chain, parse_toml(toml, "x.toml").default_host.mapping), "");
  EXPECT_EQ(mapping_difference(core::MappingPolicy{}, chain), "chain_only: false vs true");
}

TEST(MappingDifference, NamesTheFirstDifference) {
  core::MappingPolicy a;
  a.many_to_one.push_back({"m", "", true, core::Permission::allow, "u", "", {{core::RuleField::subject, "CN", "a*", true, {}}}, {}});
  core::MappingPolicy b = a;
  b.many_to_one[0].where = {"elsewhere.toml", 3, 1};  // positions do not count
  EXPECT_EQ(mapping_difference(a, b), "");
  b.many_to_one[0].rules[0].match = "A*";
  EXPECT_EQ(mapping_difference(a, b), "many_to_one[0].rules[0].match: \"a*\" vs \"A*\"");
  b = a;
  b.anonymous = true;
  EXPECT_EQ(mapping_difference(a, b), "anonymous: false vs true");
  b = a;
  b.many_to_one.clear();
  EXPECT_EQ(mapping_difference(a, b), "many_to_one: 1 vs 0 entries");
}

}  // namespace
}  // namespace certgate::config
