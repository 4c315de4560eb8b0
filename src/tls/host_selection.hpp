#pragma once
// Which host block serves a name, for the tools (explain --host): the same rule ServerTls::host_for
// applies to SNI, on the plain configuration, so that no server certificate has to be loaded.
#include <string_view>

#include "config/gateway_config.hpp"

namespace certgate::tls {

// Exact names first (any case, one trailing dot ignored), then the longest "*.suffix" that the name ends
// with (at least one more label); the default block when none claims it or the name is empty.
const config::HostPolicy& host_policy_for(const config::GatewayConfig& config, std::string_view name);

}  // namespace certgate::tls
