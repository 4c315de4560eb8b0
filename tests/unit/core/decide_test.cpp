// decide(): mode, presence, verification, chain-only, one-to-one, section switches, anonymous.
#include "core/decision.hpp"

#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace certgate::core {
namespace {

using namespace test_support;

const CertDigest& alice() {
  static const CertDigest cert = make_digest({{"O", "Contoso"}, {"OU", "Ops"}, {"CN", "alice"}});
  return cert;
}

MappingPolicy ops_policy(bool anonymous = false) {
  return many_to_one_policy({allow("ops", "OPS", {subject("OU", "Ops")})}, anonymous);
}

// ---- no certificate ----

TEST(DecideNoCertificate, RequireGives403Dot7) {
  const auto policy = compile(ops_policy(/*anonymous=*/true), ClientCertMode::require);
  const Decision d = decide(*policy, nullptr, VerifyResult{});
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status, 403);
  EXPECT_EQ(d.substatus, 7);
  EXPECT_EQ(d.status_text(), "403.7");
  EXPECT_EQ(d.reason, "client certificate required");
  EXPECT_EQ(d.verify, VerifyStatus::not_presented);
}

TEST(DecideNoCertificate, AcceptWithoutAnonymousGives401Dot2) {
  const auto policy = compile(ops_policy(false), ClientCertMode::accept);
  const Decision d = decide(*policy, nullptr, VerifyResult{});
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.substatus, 2);
  EXPECT_EQ(d.status_text(), "401.2");
  EXPECT_EQ(d.reason, "no client certificate and anonymous access is off");
}

TEST(DecideNoCertificate, AcceptWithAnonymousAdmitsWithoutIdentity) {
  const auto policy = compile(ops_policy(true), ClientCertMode::accept);
  const Decision d = decide(*policy, nullptr, VerifyResult{});
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.status, 200);
  EXPECT_EQ(d.substatus, 0);
  EXPECT_EQ(d.status_text(), "200");
  EXPECT_EQ(d.identity, "");
  EXPECT_EQ(d.mapping, "");
  EXPECT_EQ(d.verify, VerifyStatus::not_presented);
}

TEST(DecideNoCertificate, ChainOnlyNeedsAChainSoAnonymousDecides) {
  const auto closed = compile(MappingPolicy{}, ClientCertMode::accept);
  EXPECT_EQ(decide(*closed, nullptr, VerifyResult{}).status_text(), "401.2");

  MappingPolicy open;
  open.anonymous = true;
  const auto open_policy = compile(open, ClientCertMode::accept);
  const Decision d = decide(*open_policy, nullptr, VerifyResult{});
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "");
  EXPECT_EQ(d.mapping, "");
}

// ---- mode ignore ----

TEST(DecideModeIgnore, PresentedCertificateIsDisregarded) {
  const auto policy = compile(ops_policy(false), ClientCertMode::ignore);
  const Decision d = decide(*policy, &alice(), verified());
  EXPECT_EQ(d.status_text(), "401.2") << "the OPS mapping must not be consulted";
  EXPECT_EQ(d.verify, VerifyStatus::not_presented);
  EXPECT_EQ(d.identity, "");
}

TEST(DecideModeIgnore, EvenAFailingCertificateIsNotRefusedForIt) {
  const auto policy = compile(ops_policy(true), ClientCertMode::ignore);
  const Decision d = decide(*policy, &alice(), failed(VerifyStatus::expired, 10, 0, "certificate has expired"));
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "");
  EXPECT_EQ(d.verify, VerifyStatus::not_presented);
}

TEST(DecideModeIgnore, NoCertificateIsNever403Dot7) {
  const auto policy = compile(ops_policy(false), ClientCertMode::ignore);
  EXPECT_EQ(decide(*policy, nullptr, VerifyResult{}).status_text(), "401.2");
}

// ---- verification failures ----

TEST(DecideVerifyFailure, ExpiredGives403Dot17WithDepth) {
  const auto policy = compile(ops_policy(), ClientCertMode::require);
  const Decision d = decide(*policy, &alice(), failed(VerifyStatus::expired, 10, 1, "certificate has expired"));
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status_text(), "403.17");
  EXPECT_EQ(d.reason, "certificate has expired (depth 1)");
  EXPECT_EQ(d.verify, VerifyStatus::expired);
}

TEST(DecideVerifyFailure, DepthZeroIsNotAppended) {
  const auto policy = compile(ops_policy(), ClientCertMode::require);
  const Decision d = decide(*policy, &alice(), failed(VerifyStatus::expired, 10, 0, "certificate has expired"));
  EXPECT_EQ(d.reason, "certificate has expired");
}

TEST(DecideVerifyFailure, NotYetValidGives403Dot17) {
  const auto policy = compile(ops_policy(), ClientCertMode::require);
  const Decision d =
      decide(*policy, &alice(), failed(VerifyStatus::not_yet_valid, 9, 0, "certificate is not yet valid"));
  EXPECT_EQ(d.status_text(), "403.17");
  EXPECT_EQ(d.verify, VerifyStatus::not_yet_valid);
  EXPECT_EQ(d.reason, "certificate is not yet valid");
}

TEST(DecideVerifyFailure, RevokedGives403Dot13) {
  const auto policy = compile(ops_policy(), ClientCertMode::require);
  const Decision d = decide(*policy, &alice(), failed(VerifyStatus::revoked, 23, 0, "certificate revoked"));
  EXPECT_EQ(d.status, 403);
  EXPECT_EQ(d.substatus, 13);
  EXPECT_EQ(d.status_text(), "403.13");
  EXPECT_EQ(d.verify, VerifyStatus::revoked);
}

TEST(DecideVerifyFailure, UntrustedGives403Dot16) {
  const auto policy = compile(ops_policy(), ClientCertMode::require);
  const Decision d = decide(*policy, &alice(),
                            failed(VerifyStatus::untrusted, 20, 0, "unable to get local issuer certificate"));
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_EQ(d.reason, "unable to get local issuer certificate");
  EXPECT_EQ(d.verify, VerifyStatus::untrusted);
}

TEST(DecideVerifyFailure, AcceptModeRefusesAFailingCertificateToo) {
  const auto policy = compile(ops_policy(/*anonymous=*/true), ClientCertMode::accept);
  const Decision d = decide(*policy, &alice(), failed(VerifyStatus::untrusted, 20, 0, "self-signed"));
  EXPECT_FALSE(d.admitted) << "fail closed: a bad certificate is not the same as no certificate";
  EXPECT_EQ(d.status_text(), "403.16");
}

TEST(DecideVerifyFailure, MappingsAreNotConsultedBeforeVerification) {
  MappingPolicy policy = ops_policy();
  policy.one_to_one = {one_to_one("alice", alice(), "ALICE")};
  const auto compiled = compile(policy);
  const Decision d = decide(*compiled, &alice(), failed(VerifyStatus::revoked, 23, 0, "certificate revoked"));
  EXPECT_EQ(d.status_text(), "403.13");
  EXPECT_EQ(d.identity, "");
  EXPECT_EQ(d.mapping, "");
}

TEST(DecideVerifyFailure, PresentedButUnverifiedFailsClosed) {
  const auto policy = compile(MappingPolicy{}, ClientCertMode::require);
  const Decision d = decide(*policy, &alice(), VerifyResult{});  // status not_presented with a certificate
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_FALSE(d.reason.empty());
}

TEST(DecideVerifyFailure, EmptyOpenSslTextGetsADefaultReason) {
  const auto policy = compile(ops_policy(), ClientCertMode::require);
  const Decision d = decide(*policy, &alice(), failed(VerifyStatus::expired, 10, 2, ""));
  EXPECT_EQ(d.reason, "certificate has expired (depth 2)");
}

// ---- chain only ----

TEST(DecideChainOnly, VerifiedChainIsEnoughIdentityIsFirstCn) {
  const CertDigest cert = make_digest({{"O", "Contoso"}, {"CN", "first"}, {"CN", "second"}});
  const auto policy = compile(MappingPolicy{}, ClientCertMode::require);
  const Decision d = decide(*policy, &cert, verified());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.status_text(), "200");
  EXPECT_EQ(d.identity, "first");
  EXPECT_EQ(d.mapping, "(chain)");
  EXPECT_EQ(d.verify, VerifyStatus::ok);
}

TEST(DecideChainOnly, WithoutCnIdentityIsTheRfc4514Subject) {
  const CertDigest cert = make_digest({{"C", "US"}, {"O", "Contoso"}, {"OU", "Ops"}});
  const auto policy = compile(MappingPolicy{}, ClientCertMode::accept);
  const Decision d = decide(*policy, &cert, verified());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "OU=Ops,O=Contoso,C=US");
  EXPECT_EQ(d.mapping, "(chain)");
}

TEST(DecideChainOnly, AllMappingsDisabledIsNotChainOnly) {
  const MappingPolicy policy = many_to_one_policy({allow("off", "OFF", {}, /*enabled=*/false)});
  EXPECT_EQ(decide_verified(policy, alice()).status_text(), "401.2");
}

TEST(DecideChainOnly, SectionSwitchedOffIsNotChainOnly) {
  MappingPolicy policy = ops_policy();
  policy.many_to_one_enabled = false;
  EXPECT_EQ(decide_verified(policy, alice()).status_text(), "401.2");
}

// ---- one-to-one ----

TEST(DecideOneToOne, ExactCertificateMapsToItsUser) {
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("alice-cert", alice(), "CONTOSO\\alice")};
  const Decision d = decide_verified(policy, alice());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "CONTOSO\\alice");
  EXPECT_EQ(d.mapping, "alice-cert");
}

TEST(DecideOneToOne, OtherCertificateDoesNotMatch) {
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("alice-cert", alice(), "ALICE")};
  const CertDigest same_name_other_key = make_digest({{"O", "Contoso"}, {"OU", "Ops"}, {"CN", "alice"}},
                                                     {{"CN", "Test CA"}}, "a different DER");
  EXPECT_EQ(decide_verified(policy, same_name_other_key).status_text(), "401.2");
}

TEST(DecideOneToOne, CheckedFirstAndWinsOverAMatchingDeny) {
  MappingPolicy policy = many_to_one_policy({deny("block-ops", {subject("OU", "Ops")})});
  policy.one_to_one = {one_to_one("alice-cert", alice(), "ALICE")};
  const Decision d = decide_verified(policy, alice());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "ALICE");
  EXPECT_EQ(d.mapping, "alice-cert");
}

TEST(DecideOneToOne, DisabledMappingFallsThroughToManyToOne) {
  MappingPolicy policy = many_to_one_policy({deny("block-ops", {subject("OU", "Ops")})});
  policy.one_to_one = {one_to_one("alice-cert", alice(), "ALICE", /*enabled=*/false)};
  EXPECT_EQ(decide_verified(policy, alice()).status_text(), "403.12");
}

TEST(DecideOneToOne, SectionSwitchedOffIsSkipped) {
  MappingPolicy policy = ops_policy();
  policy.one_to_one = {one_to_one("alice-cert", alice(), "ALICE")};
  policy.one_to_one_enabled = false;
  const Decision d = decide_verified(policy, alice());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "OPS");
}

TEST(DecideOneToOne, UnnamedMappingStillReportsAMappingName) {
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("", alice(), "ALICE")};
  const Decision d = decide_verified(policy, alice());
  EXPECT_EQ(d.identity, "ALICE");
  EXPECT_EQ(d.mapping, "(one-to-one)");
}

TEST(DecideOneToOne, DigestWithoutFingerprintIsHashedFromDer) {
  MappingPolicy policy;
  policy.one_to_one = {one_to_one("alice-cert", alice(), "ALICE")};
  CertDigest no_fingerprint = alice();
  no_fingerprint.sha256_hex.clear();
  EXPECT_EQ(decide_verified(policy, no_fingerprint).identity, "ALICE");
}

// ---- section switches and anonymous after a verified chain ----

TEST(DecideSections, ManyToOneSwitchedOffIsSkipped) {
  MappingPolicy policy = ops_policy();
  policy.many_to_one_enabled = false;
  const Decision d = decide_verified(policy, alice());
  EXPECT_EQ(d.status_text(), "401.2");
  EXPECT_EQ(d.reason, "certificate verified but no mapping matched");
}

TEST(DecideAnonymous, VerifiedButUnmappedIsRefusedWhenOff) {
  const Decision d = decide_verified(ops_policy(false), make_digest({{"OU", "Sales"}, {"CN", "bob"}}));
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.substatus, 2);
  EXPECT_EQ(d.reason, "certificate verified but no mapping matched");
  EXPECT_EQ(d.verify, VerifyStatus::ok);
}

TEST(DecideAnonymous, VerifiedButUnmappedIsAdmittedWithoutIdentityWhenOn) {
  const Decision d = decide_verified(ops_policy(true), make_digest({{"OU", "Sales"}, {"CN", "bob"}}));
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.status_text(), "200");
  EXPECT_EQ(d.identity, "");
  EXPECT_EQ(d.mapping, "");
  EXPECT_EQ(d.verify, VerifyStatus::ok);
}

TEST(DecideAnonymous, DenyStillWinsOverAnonymous) {
  const MappingPolicy policy = many_to_one_policy({deny("block-ops", {subject("OU", "Ops")})}, /*anonymous=*/true);
  EXPECT_EQ(decide_verified(policy, alice()).status_text(), "403.12");
}

TEST(DecideModes, AcceptAndRequireMapAVerifiedCertificateAlike) {
  for (ClientCertMode mode : {ClientCertMode::accept, ClientCertMode::require}) {
    const Decision d = decide_verified(ops_policy(), alice(), mode);
    EXPECT_TRUE(d.admitted) << to_string(mode);
    EXPECT_EQ(d.identity, "OPS") << to_string(mode);
  }
}

TEST(DecisionStatusText, Formats) {
  Decision d;
  d.admitted = true;
  d.status = 200;
  EXPECT_EQ(d.status_text(), "200");
  d.admitted = false;
  d.status = 403;
  d.substatus = 16;
  EXPECT_EQ(d.status_text(), "403.16");
  d.status = 401;
  d.substatus = 2;
  EXPECT_EQ(d.status_text(), "401.2");
}

}  // namespace
}  // namespace certgate::core
