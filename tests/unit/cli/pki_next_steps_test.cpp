#include "cli/pki_next_steps.hpp"

#include <gtest/gtest.h>

namespace certgate::cli {
namespace {

tls::PkiEntry edge(const std::string& id, const std::string& path) {
  tls::PkiEntry e;
  e.id = id;
  e.hostname = "www.example.com";
  e.cert_path = path;
  return e;
}

TEST(PkiNextSteps, UploadBodyHasExactlyCertificateAndKey) {
  const auto body = nlohmann::json::parse(upload_body("LEAF\n", "KEY\n"));
  EXPECT_EQ(body, nlohmann::json({{"certificate", "LEAF\n"}, {"private_key", "KEY\n"}}));
}

TEST(PkiNextSteps, EnableBody) {
  EXPECT_EQ(enable_body("www.example.com", "$CERT_ID").dump(),
            R"({"config":[{"hostname":"www.example.com","cert_id":"$CERT_ID","enabled":true}]})");
}

TEST(PkiNextSteps, HostBlockMapsEveryActiveCertificateAndEscapes) {
  NextStepsOptions options;
  options.user = "edge \"one\"";
  const std::string block =
      host_block("/etc/aop/client-ca.pem", "www.example.com", {edge("aa", "/etc/aop/a.pem"), edge("bb", "/etc/b.pem")},
                 options);
  EXPECT_NE(block.find("names = [\"www.example.com\"]\n"), std::string::npos) << block;
  EXPECT_NE(block.find("client_ca = [\"/etc/aop/client-ca.pem\"]\n"), std::string::npos) << block;
  EXPECT_NE(block.find("enforce = false"), std::string::npos) << block;
  EXPECT_NE(block.find("name = \"cloudflare-edge-aa\"\n"), std::string::npos) << block;
  EXPECT_NE(block.find("name = \"cloudflare-edge-bb\"\n"), std::string::npos) << block;
  EXPECT_NE(block.find("user = \"edge \\\"one\\\"\"\n"), std::string::npos) << block;
  options.enforce = true;
  EXPECT_NE(host_block("/b.pem", "www.example.com", {}, options).find("enforce = true\n"), std::string::npos);
}

}  // namespace
}  // namespace certgate::cli
