#pragma once
// The output of `certgate explain`: everything gathered about one certificate, as text or JSON.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/gateway_config.hpp"
#include "core/decision.hpp"
#include "tls/cert_info.hpp"
#include "tls/chain_report.hpp"
#include "tls/trust_store.hpp"

namespace certgate::cli {

struct ExplainInput {
  const config::GatewayConfig* config = nullptr;
  const config::HostPolicy* block = nullptr;  // the block that serves requested_host
  std::optional<std::string> requested_host;
  std::int64_t at = 0;
  bool at_given = false;
  std::string cert_file;
  tls::CertInfo leaf;
  std::vector<std::string> sent_chain;  // subjects of the certificates that followed the leaf
  const tls::TrustStore* trust = nullptr;
  core::VerifyResult verify;
  tls::ChainReport chain;
  core::Decision decision;  // with its trace
  std::vector<std::pair<std::string, std::string>> headers;  // sent upstream (empty when refused)
};

void print_explain(std::ostream& out, const ExplainInput& input);
nlohmann::ordered_json explain_json(const ExplainInput& input);

}  // namespace certgate::cli
