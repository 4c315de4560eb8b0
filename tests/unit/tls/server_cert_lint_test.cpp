#include "tls/server_cert_lint.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "test_pki.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

std::vector<std::string> codes(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& f : findings) out.push_back(f.code);
  return out;
}

config::HostPolicy block(std::vector<std::string> names) {
  config::HostPolicy host;
  host.name = names.empty() ? "default" : names.front();
  host.server_names = std::move(names);
  host.tls.cert_file = "server.pem";
  host.tls.key_file = "server.key";
  return host;
}

class ServerCertLint : public ::testing::Test {
 protected:
  Issued server(const std::string& san, std::time_t not_after) {
    CertSpec spec;
    spec.subject = {{"CN", "origin"}};
    spec.eku = {"serverAuth"};
    spec.san = san;
    spec.not_after = not_after;
    return make_leaf(ca, spec);
  }
  Issued ca = make_ca("server CA");
  std::time_t now = std::time(nullptr);
};

TEST_F(ServerCertLint, HealthyCertificateHasNoFindings) {
  Issued cert = server("DNS:api.example.com", now + 90 * 86400);
  EXPECT_TRUE(lint_server_certificate(cert.cert.get(), cert.key.get(), block({"api.example.com"}), now).empty());
}

TEST_F(ServerCertLint, KeyThatDoesNotMatchIsAnError) {
  Issued cert = server("DNS:api.example.com", now + 90 * 86400);
  EvpPkeyPtr other = make_key();
  const auto findings = lint_server_certificate(cert.cert.get(), other.get(), block({}), now);
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG003"});
  EXPECT_EQ(findings[0].severity, core::Severity::error);
  EXPECT_EQ(findings[0].where.to_string(), "server.pem");
  EXPECT_NE(findings[0].message.find("server.key"), std::string::npos);
}

TEST_F(ServerCertLint, ExpiredAndExpiring) {
  Issued expiring = server("DNS:a.example.com", now + 10 * 86400 + 60);
  auto findings = lint_server_certificate(expiring.cert.get(), nullptr, block({}), now);
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG112"});
  EXPECT_NE(findings[0].message.find("in 10 days"), std::string::npos) << findings[0].message;

  findings = lint_server_certificate(expiring.cert.get(), nullptr, block({}), now + 11 * 86400);
  ASSERT_EQ(codes(findings), std::vector<std::string>{"CG111"});
  EXPECT_NE(findings[0].message.find("1 day ago"), std::string::npos) << findings[0].message;

  findings = lint_server_certificate(expiring.cert.get(), nullptr, block({}), now - 86400 * 2);
  EXPECT_EQ(codes(findings), std::vector<std::string>{"CG111"}) << "not valid yet";
}

TEST_F(ServerCertLint, HostNamesMustBeCovered) {
  Issued cert = server("DNS:api.example.com,DNS:*.example.org", now + 90 * 86400);
  const auto findings = lint_server_certificate(
      cert.cert.get(), cert.key.get(),
      block({"api.example.com", "www.example.org", "*.example.org", "other.example.com", "*.example.com"}), now);
  ASSERT_EQ(codes(findings), (std::vector<std::string>{"CG113", "CG113"}));
  EXPECT_NE(findings[0].message.find("'other.example.com'"), std::string::npos);
  EXPECT_NE(findings[1].message.find("'*.example.com'"), std::string::npos);
  EXPECT_NE(findings[0].message.find("api.example.com, *.example.org"), std::string::npos) << "lists what it has";
}

TEST_F(ServerCertLint, CoverageRules) {
  Issued cert = server("DNS:*.example.org,DNS:exact.test", now + 90 * 86400);
  EXPECT_TRUE(certificate_covers(cert.cert.get(), "a.example.org"));
  EXPECT_TRUE(certificate_covers(cert.cert.get(), "A.Example.ORG"));
  EXPECT_FALSE(certificate_covers(cert.cert.get(), "a.b.example.org")) << "a wildcard spans one label";
  EXPECT_FALSE(certificate_covers(cert.cert.get(), "example.org"));
  EXPECT_TRUE(certificate_covers(cert.cert.get(), "*.EXAMPLE.org"));
  EXPECT_TRUE(certificate_covers(cert.cert.get(), "exact.test"));
  EXPECT_FALSE(certificate_covers(cert.cert.get(), "*.test"));
}

}  // namespace
}  // namespace certgate::tls
