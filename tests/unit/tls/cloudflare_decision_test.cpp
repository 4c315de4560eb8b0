// The full path for the real Cloudflare AOP leaf: load -> verify -> digest_of -> core::decide().
#include <gtest/gtest.h>

#include "cloudflare_fixtures.hpp"
#include "core/compiled_policy.hpp"
#include "core/decision.hpp"
#include "tls/cert_loader.hpp"
#include "tls/digest.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {
namespace {

using namespace cloudflare;

std::shared_ptr<const core::CompiledPolicy> aop_policy(const std::string& cn) {
  core::MappingRule rule;
  rule.field = core::RuleField::subject;
  rule.subfield = "CN";
  rule.match = cn;
  core::ManyToOneMapping mapping;
  mapping.name = "cloudflare-aop";
  mapping.permission = core::Permission::allow;
  mapping.user = "cloudflare-edge";
  mapping.rules.push_back(rule);
  core::MappingPolicy policy;
  policy.many_to_one.push_back(mapping);
  return core::CompiledPolicy::compile(policy, core::ClientCertMode::require);
}

// What the server does for a presented certificate.
core::Decision decide_for(const std::string& leaf_path, const std::vector<std::string>& anchors,
                          std::optional<std::time_t> at, const std::string& cn = leaf_cn) {
  CertBundle leaf = load_cert_bundle(leaf_path);
  auto store = TrustStore::load(anchors, {}, 2);
  core::VerifyResult verify = store->verify(leaf.certs.at(0).get(), nullptr, at);
  core::CertDigest digest = digest_of(leaf.certs.at(0).get());
  return core::decide(*aop_policy(cn), &digest, verify);
}

TEST(CloudflareDecision, ExpiredLeafTodayIs403_17) {
  core::Decision d = decide_for(leaf_pem, {ca_2019}, std::nullopt);
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status_text(), "403.17");
  EXPECT_EQ(d.verify, core::VerifyStatus::expired);
  EXPECT_TRUE(d.identity.empty());
}

TEST(CloudflareDecision, AdmittedInsideItsValidity) {
  for (const std::vector<std::string>& anchors : {std::vector<std::string>{ca_2015}, {ca_2019, ca_2015}}) {
    core::Decision d = decide_for(leaf_pem, anchors, inside_leaf_validity());
    EXPECT_TRUE(d.admitted) << d.reason;
    EXPECT_EQ(d.status_text(), "200");
    EXPECT_EQ(d.identity, "cloudflare-edge");
    EXPECT_EQ(d.mapping, "cloudflare-aop");
    EXPECT_EQ(d.verify, core::VerifyStatus::ok);
  }
  core::Decision der = decide_for(leaf_der, {ca_2015}, inside_leaf_validity());
  EXPECT_TRUE(der.admitted) << der.reason;
}

TEST(CloudflareDecision, VerifiedButUnmappedIs401_2) {
  core::Decision d = decide_for(leaf_pem, {ca_2015}, inside_leaf_validity(), "someone-else.example");
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status_text(), "401.2");
}

TEST(CloudflareDecision, CorruptedCopiesAre403_16) {
  EXPECT_EQ(decide_for(bad_signature, {ca_2019}, std::nullopt).status_text(), "403.16");
  EXPECT_EQ(decide_for(bad_algorithm, {ca_2019}, std::nullopt).status_text(), "403.16");
  EXPECT_EQ(decide_for(bad_signature, {ca_2015}, inside_leaf_validity()).status_text(), "403.16");
  EXPECT_EQ(decide_for(bad_algorithm, {ca_2015}, inside_leaf_validity()).status_text(), "403.16");
  EXPECT_EQ(decide_for(leaf_pem, {corrupted_ca}, std::nullopt).status_text(), "403.16");
  EXPECT_EQ(decide_for(leaf_pem, {origin_ca_rsa}, std::nullopt).status_text(), "403.16");
}

}  // namespace
}  // namespace certgate::tls
