#pragma once
// [upstream] (the default upstream) and [upstreams.NAME] (named ones a [[host]] block may choose), typed and
// positioned; the servers of each, their balancing and their health settings (docs/config.md, "[upstreams.NAME]").
#include <string>

#include <toml++/toml.h>

#include "config/gateway_config.hpp"
#include "config/toml_table.hpp"

namespace certgate::config {

// The keys of [upstream]; a named upstream has the same but url and upgrade.
extern const std::vector<std::string_view> kUpstreamKeys;
extern const std::vector<std::string_view> kNamedUpstreamKeys;

// One upstream table into `out`. `named`: an [upstreams.NAME] table (servers required, no upgrade).
void read_upstream(const TomlTable& table, UpstreamConfig& out, bool named);

// Every [upstreams.NAME] table, in the file's order, into config.upstreams.
void read_named_upstreams(const toml::table& upstreams, const std::string& file, GatewayConfig& config);

// [[host]] upstream = "NAME": the name must be one of config.upstreams, or "default" ([upstream]).
void check_host_upstream(const TomlTable& host, const GatewayConfig& config, HostPolicy& policy);

// After the flags: an upstream given by url alone gets it as its one server.
void finish_upstreams(GatewayConfig& config);

}  // namespace certgate::config
