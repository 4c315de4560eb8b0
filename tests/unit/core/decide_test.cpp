// decide(): mode, presence, verification, chain-only and no mapping, one-to-one, section switches, anonymous,
// identities a header cannot carry.
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

MappingPolicy chain_only_policy(bool anonymous = false) {
  MappingPolicy policy;
  policy.chain_only = true;
  policy.anonymous = anonymous;
  return policy;
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
  const auto closed = compile(chain_only_policy(), ClientCertMode::accept);
  EXPECT_EQ(decide(*closed, nullptr, VerifyResult{}).status_text(), "401.2");

  const auto open_policy = compile(chain_only_policy(/*anonymous=*/true), ClientCertMode::accept);
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
  const auto policy = compile(chain_only_policy(), ClientCertMode::require);
  const Decision d = decide(*policy, &alice(), VerifyResult{});  // status not_presented with a certificate
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_FALSE(d.reason.empty());
}

TEST(DecideVerifyFailure, ControlCharactersInTheReasonAreEscaped) {
  // The reason is logged and may be shown to the client: a line break in it would start a new log line.
  const auto policy = compile(ops_policy(), ClientCertMode::require);
  const Decision d = decide(*policy, &alice(), failed(VerifyStatus::untrusted, 20, 0, "bad\r\nX-Injected: 1"));
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_EQ(d.reason, "bad\\x0D\\x0AX-Injected: 1");
}

TEST(DecideVerifyFailure, EmptyOpenSslTextGetsADefaultReason) {
  const auto policy = compile(ops_policy(), ClientCertMode::require);
  const Decision d = decide(*policy, &alice(), failed(VerifyStatus::expired, 10, 2, ""));
  EXPECT_EQ(d.reason, "certificate has expired (depth 2)");
}

// ---- chain only ----

TEST(DecideChainOnly, VerifiedChainIsEnoughIdentityIsFirstCn) {
  const CertDigest cert = make_digest({{"O", "Contoso"}, {"CN", "first"}, {"CN", "second"}});
  const auto policy = compile(chain_only_policy(), ClientCertMode::require);
  const Decision d = decide(*policy, &cert, verified());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.status_text(), "200");
  EXPECT_EQ(d.identity, "first");
  EXPECT_EQ(d.mapping, "(chain)");
  EXPECT_EQ(d.verify, VerifyStatus::ok);
}

TEST(DecideChainOnly, WithoutCnIdentityIsTheRfc4514Subject) {
  const CertDigest cert = make_digest({{"C", "US"}, {"O", "Contoso"}, {"OU", "Ops"}});
  const auto policy = compile(chain_only_policy(), ClientCertMode::accept);
  const Decision d = decide(*policy, &cert, verified());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "OU=Ops,O=Contoso,C=US");
  EXPECT_EQ(d.mapping, "(chain)");
}

TEST(DecideChainOnly, AdmissionSaysChainOnly) {
  const Decision d = decide(*compile(chain_only_policy()), &alice(), verified());
  EXPECT_EQ(d.reason, "certificate chain verified; chain-only mode");
}

// ---- no mapping: nothing configured and chain-only not chosen ----

TEST(DecideNoMapping, EmptyPolicyRefusesAVerifiedCertificateWith401Dot2) {
  for (ClientCertMode mode : {ClientCertMode::accept, ClientCertMode::require}) {
    const Decision d = decide(*compile(MappingPolicy{}, mode), &alice(), verified());
    EXPECT_FALSE(d.admitted) << to_string(mode);
    EXPECT_EQ(d.status_text(), "401.2") << to_string(mode);
    EXPECT_EQ(d.identity, "");
    EXPECT_EQ(d.mapping, "");
    EXPECT_EQ(d.verify, VerifyStatus::ok);
    // Says what is missing and how chain-only is chosen.
    EXPECT_NE(d.reason.find("no mapping is configured"), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("chain_only = true"), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("--chain-only"), std::string::npos) << d.reason;
  }
}

TEST(DecideNoMapping, AnonymousStillAdmitsWithoutIdentity) {
  MappingPolicy policy;
  policy.anonymous = true;
  const Decision d = decide(*compile(policy, ClientCertMode::accept), &alice(), verified());
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "");
  EXPECT_EQ(d.mapping, "");
  EXPECT_EQ(d.reason, "certificate verified but no mapping is configured; anonymous access is on");
}

TEST(DecideNoMapping, SwitchesOffAndNoMappingsIsStillRefused) {
  // What a disabled IIS section without mappings reads as.
  MappingPolicy policy;
  policy.one_to_one_enabled = false;
  policy.many_to_one_enabled = false;
  EXPECT_EQ(decide_verified(policy, alice()).status_text(), "401.2");
}

TEST(DecideNoMapping, FailingChainIsStillRefusedFirst) {
  const Decision d = decide(*compile(MappingPolicy{}), &alice(), failed(VerifyStatus::expired, 10, 0, "certificate has expired"));
  EXPECT_EQ(d.status_text(), "403.17");
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

// ---- identities a header cannot carry (chain-only: the identity is the certificate's own CN) ----

Decision decide_chain_only_for(const CertDigest& cert, ClientCertMode mode = ClientCertMode::require,
                               bool anonymous = false) {
  return decide(*compile(chain_only_policy(anonymous), mode), &cert, verified(), /*want_trace=*/true);
}

TEST(DecideCertificateIdentity, CnWithCrLfIsRefusedWith403Dot16) {
  const CertDigest cert = make_digest({{"O", "Contoso"}, {"CN", "edge\r\nX-Injected: 1"}});
  const Decision d = decide_chain_only_for(cert);
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_EQ(d.identity, "");
  EXPECT_EQ(d.mapping, "");
  EXPECT_EQ(d.verify, VerifyStatus::ok) << "the chain verified; the identity is what is refused";
  EXPECT_EQ(d.reason,
            "certificate subject CN contains the control character 0x0D (CR) at byte 5, which cannot be sent "
            "upstream as the identity");
  EXPECT_EQ(d.reason.find_first_of("\r\n"), std::string::npos) << "the reason is logged: no raw line break";
}

TEST(DecideCertificateIdentity, EveryControlCharacterIsRefused) {
  for (int byte = 0; byte < 0x20; ++byte) {
    const std::string cn = std::string("a") + static_cast<char>(byte) + "b";
    const Decision d = decide_chain_only_for(make_digest({{"CN", cn}}));
    EXPECT_EQ(d.status_text(), "403.16") << "byte " << byte;
    EXPECT_FALSE(d.admitted) << "byte " << byte;
  }
  EXPECT_EQ(decide_chain_only_for(make_digest({{"CN", "a\x7f"}})).status_text(), "403.16") << "DEL";
  const Decision nul = decide_chain_only_for(make_digest({{"CN", std::string("admin\0evil", 10)}}));
  EXPECT_EQ(nul.status_text(), "403.16");
  EXPECT_NE(nul.reason.find("0x00 (NUL) at byte 6"), std::string::npos) << nul.reason;
}

TEST(DecideCertificateIdentity, Utf8AndPunctuationAreAdmitted) {
  for (const std::string cn : {"edge.example.com", "Zoë Müller", "日本", "a \"quoted\" name; x=1", "CONTOSO\\edge"}) {
    const Decision d = decide_chain_only_for(make_digest({{"CN", cn}}));
    EXPECT_TRUE(d.admitted) << cn << ": " << d.reason;
    EXPECT_EQ(d.identity, cn);
  }
}

TEST(DecideCertificateIdentity, AnonymousDoesNotTurnABadCertificateIntoNone) {
  const Decision d = decide_chain_only_for(make_digest({{"CN", "x\ny"}}), ClientCertMode::accept, /*anonymous=*/true);
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status_text(), "403.16");
}

TEST(DecideCertificateIdentity, EmptyCnOrEmptySubjectIsRefused) {
  const Decision empty_cn = decide_chain_only_for(make_digest({{"O", "Contoso"}, {"CN", ""}}));
  EXPECT_EQ(empty_cn.status_text(), "403.16");
  EXPECT_EQ(empty_cn.reason, "certificate subject CN is empty: there is no identity to send upstream");

  CertDigest no_subject = make_digest({});
  ASSERT_TRUE(no_subject.subject.rfc4514.empty());
  const Decision empty_subject = decide_chain_only_for(no_subject);
  EXPECT_EQ(empty_subject.status_text(), "403.16");
  EXPECT_EQ(empty_subject.reason, "certificate subject is empty: there is no identity to send upstream");
}

TEST(DecideCertificateIdentity, LeadingOrTrailingSpaceIsRefused) {
  // The upstream strips a header value's surrounding whitespace: " admin" would arrive as "admin".
  for (const std::string cn : {" admin", "admin ", " "}) {
    const Decision d = decide_chain_only_for(make_digest({{"CN", cn}}));
    EXPECT_EQ(d.status_text(), "403.16") << "'" << cn << "'";
    EXPECT_NE(d.reason.find("begins or ends with a space"), std::string::npos) << d.reason;
  }
  EXPECT_TRUE(decide_chain_only_for(make_digest({{"CN", "an admin"}})).admitted);
}

TEST(DecideCertificateIdentity, ASubjectWithoutCnIsCheckedToo) {
  // Without a CN the identity is the RFC 4514 subject; src/tls escapes control characters in it, but
  // decide() does not rely on that.
  CertDigest cert = make_digest({{"O", "Contoso"}});
  cert.subject.rfc4514 = "O=Con\ntoso";
  const Decision d = decide_chain_only_for(cert);
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_NE(d.reason.find("certificate subject contains"), std::string::npos) << d.reason;
}

TEST(DecideCertificateIdentity, MappedIdentitiesComeFromTheConfigurationNotTheCertificate) {
  // A rule may match a CN with a line break; the identity sent is the configured user.
  const MappingPolicy policy = many_to_one_policy({allow("any", "EDGE", {subject("CN", "*")})});
  const Decision d = decide_verified(policy, make_digest({{"CN", "x\r\nX-Injected: 1"}}));
  EXPECT_TRUE(d.admitted);
  EXPECT_EQ(d.identity, "EDGE");
  EXPECT_EQ(d.mapping, "any");
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

// ---- report-only (enforce = false) ----

std::shared_ptr<const CompiledPolicy> report_only(MappingPolicy policy, ClientCertMode mode = ClientCertMode::require) {
  return CompiledPolicy::compile(std::move(policy), mode, nullptr, Enforcement::report_only);
}

TEST(DecideReportOnly, TheVerdictIsTheSameAndOnlyLetThrough) {
  const auto enforced = compile(ops_policy());
  const auto reporting = report_only(ops_policy());
  const CertDigest bob = make_digest({{"O", "Contoso"}, {"OU", "Sales"}, {"CN", "bob"}});
  const VerifyResult untrusted = failed(VerifyStatus::untrusted, 20, 0, "unable to get local issuer certificate");
  struct Case {
    const CertDigest* cert;
    VerifyResult verify;
  };
  for (const Case& c : {Case{nullptr, VerifyResult{}}, Case{&bob, verified()}, Case{&alice(), untrusted}}) {
    const Decision real = decide(*enforced, c.cert, c.verify);
    const Decision reported = decide(*reporting, c.cert, c.verify);
    EXPECT_FALSE(real.admitted);
    EXPECT_TRUE(real.enforced);
    EXPECT_FALSE(real.lets_through());
    EXPECT_FALSE(real.would_refuse());
    EXPECT_FALSE(reported.admitted);
    EXPECT_FALSE(reported.enforced);
    EXPECT_TRUE(reported.lets_through());
    EXPECT_TRUE(reported.would_refuse());
    EXPECT_EQ(reported.status_text(), real.status_text());
    EXPECT_EQ(reported.reason, real.reason);
    EXPECT_EQ(reported.identity, "");
  }
}

TEST(DecideReportOnly, AnAdmissionIsUnchanged) {
  const Decision d = decide(*report_only(ops_policy()), &alice(), verified());
  EXPECT_TRUE(d.admitted);
  EXPECT_FALSE(d.would_refuse());
  EXPECT_EQ(d.identity, "OPS");
  EXPECT_EQ(d.status_text(), "200");
}

TEST(DecideReportOnly, TheTraceSaysTheRequestGoesOnAndWhatItsLogLineSays) {
  const Decision d = decide(*report_only(ops_policy()), nullptr, VerifyResult{}, /*want_trace=*/true);
  ASSERT_FALSE(d.trace.empty());
  const TraceStep& result = d.trace.back();
  EXPECT_EQ(result.kind, TraceStep::Kind::result);
  EXPECT_EQ(result.label, "403.7");
  EXPECT_NE(result.note.find("Would be refused with 403.7"), std::string::npos) << result.note;
  EXPECT_NE(result.note.find("would_refuse=403.7"), std::string::npos) << result.note;
}

}  // namespace
}  // namespace certgate::core
