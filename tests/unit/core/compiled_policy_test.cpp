#include "core/compiled_policy.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core_test_support.hpp"

namespace certgate::core {
namespace {

using namespace test_support;

TEST(CompiledPolicy, IndexesEnabledOneToOneBySha256) {
  const CertDigest alice = make_digest({{"CN", "alice"}});
  const CertDigest bob = make_digest({{"CN", "bob"}});
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("alice", alice, "ALICE"), one_to_one("bob", bob, "BOB", /*enabled=*/false)};
  const auto compiled = compile(policy);

  const OneToOneMapping* hit = compiled->find_one_to_one(sha256_hex(alice.der));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->user, "ALICE");
  EXPECT_EQ(hit, &compiled->source().one_to_one[0]);  // points into the policy it keeps
  EXPECT_EQ(compiled->find_one_to_one(sha256_hex(bob.der)), nullptr) << "disabled mappings are not indexed";
  EXPECT_EQ(compiled->find_one_to_one(sha256_hex("something else")), nullptr);
}

TEST(CompiledPolicy, DuplicateOneToOneFirstEnabledWins) {
  const CertDigest cert = make_digest({{"CN", "shared"}});
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("off", cert, "OFF", false), one_to_one("first", cert, "FIRST"),
                       one_to_one("second", cert, "SECOND")};
  const auto compiled = compile(policy);
  const OneToOneMapping* hit = compiled->find_one_to_one(cert.sha256_hex);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->name, "first");
}

TEST(CompiledPolicy, TenThousandOneToOneMappingsAreAllFound) {
  MappingPolicy policy;
  for (int i = 0; i < 10'000; ++i) {
    OneToOneMapping m;
    m.name = "m" + std::to_string(i);
    m.der = "DER-" + std::to_string(i);
    m.user = "user" + std::to_string(i);
    policy.one_to_one.push_back(std::move(m));
  }
  const auto compiled = compile(policy);
  for (int i : {0, 1, 4'999, 9'999}) {
    const OneToOneMapping* hit = compiled->find_one_to_one(sha256_hex("DER-" + std::to_string(i)));
    ASSERT_NE(hit, nullptr) << i;
    EXPECT_EQ(hit->user, "user" + std::to_string(i));
  }
  EXPECT_EQ(compiled->find_one_to_one(sha256_hex("DER-10000")), nullptr);
}

TEST(CompiledPolicy, EnabledOneToOneWithoutCertificateIsRefused) {
  MappingPolicy policy;
  OneToOneMapping m;
  m.name = "empty";
  m.user = "u";
  m.where = {"certgate.toml", 9, 1};
  policy.one_to_one.push_back(m);
  try {
    compile(policy);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("certgate.toml:9:1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'empty'"), std::string::npos) << e.what();
  }
}

TEST(CompiledPolicy, ManyToOneKeepsEnabledMappingsInOrderWithResolvedRules) {
  const auto compiled = compile(many_to_one_policy({
      allow("first", "u1", {subject("CN", "*.example.com"), issuer("o", "Acme*", false)}),
      allow("disabled", "u2", {subject("CN", "x")}, /*enabled=*/false),
      deny("third", {subject("2.5.4.5", "*")}),
  }));
  const auto& mappings = compiled->many_to_one();
  ASSERT_EQ(mappings.size(), 2u);
  EXPECT_EQ(mappings[0].source->name, "first");
  EXPECT_EQ(mappings[1].source->name, "third");
  EXPECT_EQ(mappings[0].source, &compiled->source().many_to_one[0]);

  const CompiledRule& cn = mappings[0].rules.at(0);
  EXPECT_EQ(cn.field, RuleField::subject);
  EXPECT_EQ(cn.oid, "2.5.4.3");
  EXPECT_EQ(cn.label, "subject.CN");
  EXPECT_EQ(cn.pattern.kind, WildcardPattern::Kind::suffix);
  EXPECT_EQ(cn.pattern.text, ".example.com");
  EXPECT_EQ(cn.source, &compiled->source().many_to_one[0].rules[0]);

  const CompiledRule& o = mappings[0].rules.at(1);
  EXPECT_EQ(o.field, RuleField::issuer);
  EXPECT_EQ(o.oid, "2.5.4.10");
  EXPECT_EQ(o.label, "issuer.o");
  EXPECT_EQ(o.pattern.kind, WildcardPattern::Kind::prefix);
  EXPECT_EQ(o.pattern.text, "acme") << "lower-cased at compile when case-insensitive";

  EXPECT_EQ(mappings[1].rules.at(0).oid, "2.5.4.5");
  EXPECT_EQ(mappings[1].rules.at(0).pattern.kind, WildcardPattern::Kind::any);
}

TEST(CompiledPolicy, UnknownSubfieldThrowsNamingMappingSubfieldAndPosition) {
  ManyToOneMapping mapping = allow("Engineers", "eng", {subject("CN", "x")});
  mapping.rules.push_back(rule(RuleField::subject, "XQ", "y", true, SourcePos{"web.config", 42, 17}));
  try {
    compile(many_to_one_policy({mapping}));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("web.config:42:17"), std::string::npos) << message;
    EXPECT_NE(message.find("'Engineers'"), std::string::npos) << message;
    EXPECT_NE(message.find("'XQ'"), std::string::npos) << message;
  }
}

TEST(CompiledPolicy, UnknownSubfieldPositionFallsBackToTheMapping) {
  ManyToOneMapping mapping = allow("Ops", "ops", {subject("Q", "x")});
  mapping.where = {"certgate.toml", 30, 1};
  try {
    compile(many_to_one_policy({mapping}));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("certgate.toml:30:1: ", 0), 0u) << e.what();
  }
}

TEST(CompiledPolicy, UnknownSubfieldInDisabledMappingStillThrows) {
  EXPECT_THROW(compile(many_to_one_policy({allow("off", "u", {subject("XX", "x")}, /*enabled=*/false)})),
               std::invalid_argument);
}

TEST(CompiledPolicy, ChainOnlyOnlyWhenChosen) {
  EXPECT_FALSE(compile(MappingPolicy{})->chain_only()) << "no mappings is not a choice of chain-only";

  MappingPolicy chosen;
  chosen.chain_only = true;
  EXPECT_TRUE(compile(chosen)->chain_only());

  MappingPolicy all_disabled = many_to_one_policy({allow("off", "u", {}, /*enabled=*/false)});
  EXPECT_FALSE(compile(all_disabled)->chain_only());

  MappingPolicy switched_off;
  switched_off.one_to_one_enabled = false;
  switched_off.one_to_one = {one_to_one("a", make_digest({{"CN", "a"}}), "A")};
  EXPECT_FALSE(compile(switched_off)->chain_only());
}

TEST(CompiledPolicy, ChainOnlyWithMappingsIsRefused) {
  MappingPolicy both = many_to_one_policy({allow("m", "u", {})});
  both.chain_only = true;
  both.where = {"certgate.toml", 4, 1};
  try {
    compile(both);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "certgate.toml:4:1: chain_only = true cannot be combined with mappings");
  }
  MappingPolicy one = MappingPolicy{};
  one.chain_only = true;
  one.one_to_one = {one_to_one("a", make_digest({{"CN", "a"}}), "A", /*enabled=*/false)};
  EXPECT_THROW(compile(one), std::invalid_argument) << "a disabled mapping is still a mapping";
}

TEST(CompiledPolicy, ControlCharactersInNamesThatBecomeHeadersAreRefused) {
  // User names and mapping names are sent upstream (X-Client-Identity, X-Client-Mapping).
  ManyToOneMapping user = allow("ok", "evil\r\nX-Injected: 1", {});
  user.where = {"certgate.toml", 7, 3};
  try {
    compile(many_to_one_policy({user}));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "certgate.toml:7:3: many-to-one mapping 'ok': user contains the control character 0x0D (CR) at byte 5");
  }
  EXPECT_THROW(compile(many_to_one_policy({allow("a\nb", "u", {})})), std::invalid_argument);
  EXPECT_THROW(compile(many_to_one_policy({allow("off", std::string("u\0v", 3), {}, /*enabled=*/false)})),
               std::invalid_argument);

  MappingPolicy one;
  one.one_to_one = {one_to_one("label\t", make_digest({{"CN", "a"}}), "A")};
  EXPECT_THROW(compile(one), std::invalid_argument);
  one.one_to_one = {one_to_one("label", make_digest({{"CN", "a"}}), "A\x7f")};
  EXPECT_THROW(compile(one), std::invalid_argument);
  one.one_to_one = {one_to_one("CONTOSO\\édge \"x\"", make_digest({{"CN", "a"}}), "CONTOSO\\édge")};
  EXPECT_NO_THROW(compile(one));
}

TEST(CompiledPolicy, KeepsMode) {
  EXPECT_EQ(compile(MappingPolicy{}, ClientCertMode::accept)->mode(), ClientCertMode::accept);
  EXPECT_EQ(compile(MappingPolicy{}, ClientCertMode::ignore)->mode(), ClientCertMode::ignore);
}

}  // namespace
}  // namespace certgate::core
