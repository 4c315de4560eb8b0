#pragma once
// `certgate check` without the command line: every finding for a loaded configuration, block by block,
// building what serve builds (trust stores, compiled policies, server certificate and key) without
// binding anything.
#include <cstdint>
#include <vector>

#include "config/gateway_config.hpp"
#include "core/finding.hpp"

namespace certgate::tls {

// Findings of every host block (default block first), merged across blocks that share them.
// Files that cannot be loaded become CG002 errors; nothing throws for a bad file.
std::vector<core::Finding> check_config(const config::GatewayConfig& config, std::int64_t now);

}  // namespace certgate::tls
