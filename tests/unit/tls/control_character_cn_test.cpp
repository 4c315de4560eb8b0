// A CA-signed certificate whose CN carries a line break ("\r\nX-Injected: 1") or a NUL, through the
// server's own path: verify -> digest_of -> core::decide() -> the identity headers. Nothing of it may reach
// the upstream head with its control characters.
#include <gtest/gtest.h>

#include "core/compiled_policy.hpp"
#include "core/control_characters.hpp"
#include "core/decision.hpp"
#include "http/identity.hpp"
#include "http/identity_headers.hpp"
#include "test_pki.hpp"
#include "tls/digest.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

const std::string kInjectedCn = "edge\r\nX-Injected: 1";

struct Presented {
  core::CertDigest digest;
  core::VerifyResult verify;
};

// A client certificate with this CN, issued by a fresh CA and verified against it as the server does.
Presented presented_with_cn(const std::string& cn) {
  static const Issued ca = make_ca("control character test CA");
  TempDir dir;
  const auto store = TrustStore::load({dir.write("ca.pem", pem_of(ca.cert.get()))}, {}, 2);
  const Issued leaf = make_client(ca, cn);
  return {digest_of(leaf.cert.get()), store->verify(leaf.cert.get(), nullptr, std::nullopt)};
}

std::shared_ptr<const core::CompiledPolicy> chain_only() {
  core::MappingPolicy policy;
  policy.chain_only = true;
  return core::CompiledPolicy::compile(policy, core::ClientCertMode::require);
}

TEST(ControlCharacterCn, TheCertificateVerifiesAndItsCnKeepsTheLineBreak) {
  // The premise: OpenSSL signs and verifies such a name, and the digest carries the raw value.
  const Presented p = presented_with_cn(kInjectedCn);
  EXPECT_EQ(p.verify.status, core::VerifyStatus::ok) << p.verify.reason;
  const auto cns = p.digest.subject.values_of("2.5.4.3");
  ASSERT_EQ(cns.size(), 1u);
  EXPECT_EQ(cns[0], kInjectedCn);
  // The RFC 4514 form (X-Client-Cert-Subject) escapes control characters itself.
  EXPECT_EQ(core::find_control_character(p.digest.subject.rfc4514), std::string_view::npos) << p.digest.subject.rfc4514;
}

TEST(ControlCharacterCn, ChainOnlyRefusesItWith403Dot16) {
  const Presented p = presented_with_cn(kInjectedCn);
  const core::Decision d = core::decide(*chain_only(), &p.digest, p.verify);
  EXPECT_FALSE(d.admitted);
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_EQ(d.identity, "");
  EXPECT_NE(d.reason.find("subject CN contains the control character 0x0D (CR)"), std::string::npos) << d.reason;
  EXPECT_EQ(core::find_control_character(d.reason), std::string_view::npos);
}

TEST(ControlCharacterCn, ANulInTheCnIsRefusedToo) {
  const Presented p = presented_with_cn(std::string("admin\0.example.com", 18));
  ASSERT_EQ(p.verify.status, core::VerifyStatus::ok) << p.verify.reason;
  ASSERT_EQ(p.digest.subject.values_of("2.5.4.3").at(0).size(), 18u) << "the NUL is kept, not cut off";
  EXPECT_EQ(core::find_control_character(p.digest.subject.rfc4514), std::string_view::npos) << p.digest.subject.rfc4514;
  const core::Decision d = core::decide(*chain_only(), &p.digest, p.verify);
  EXPECT_EQ(d.status_text(), "403.16");
  EXPECT_NE(d.reason.find("0x00 (NUL)"), std::string::npos) << d.reason;
}

TEST(ControlCharacterCn, AMappedCertificateSendsOnlyHeaderSafeValues) {
  // A rule may well match such a certificate; then the identity is the configured user, and every
  // certificate-derived header value is free of control characters.
  core::MappingPolicy policy;
  core::ManyToOneMapping any;
  any.name = "any-edge";
  any.user = "edge-user";
  core::MappingRule rule;
  rule.subfield = "CN";
  rule.match = "edge*";
  any.rules.push_back(rule);
  policy.many_to_one.push_back(any);
  const auto compiled = core::CompiledPolicy::compile(policy, core::ClientCertMode::require);

  const Presented p = presented_with_cn(kInjectedCn);
  const core::Decision d = core::decide(*compiled, &p.digest, p.verify);
  ASSERT_TRUE(d.admitted) << d.reason;
  EXPECT_EQ(d.identity, "edge-user");
  const auto headers =
      h1::identity_headers(config::HeaderNames{}, http_id::identity_values(d, p.digest, p.verify));
  ASSERT_FALSE(headers.empty());
  for (const auto& [name, value] : headers) {
    EXPECT_EQ(core::find_control_character(value), std::string::npos) << name << ": " << value;
  }
}

}  // namespace
}  // namespace certgate::tls
