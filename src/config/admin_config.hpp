#pragma once
// [admin]: where the admin listener (/healthz, /readyz, /metrics) listens.
#include <optional>
#include <string_view>

#include "config/gateway_config.hpp"
#include "config/toml_table.hpp"

namespace certgate::config {

// "127.0.0.1:9901", "[::1]:9901", or a port alone ("9901", ":9901"), which means the loopback address
// 127.0.0.1: the endpoints tell about the process, so they are not on a public address unless asked for.
std::optional<ListenAddress> parse_admin_listen(std::string_view text);

void read_admin(const TomlTable& admin, AdminConfig& out);

// Throws ConfigError at the admin address when it is one a TLS listener binds too (the same address and port,
// or the same port with either side on the wildcard address of that family).
void check_admin_address(const GatewayConfig& config);

}  // namespace certgate::config
