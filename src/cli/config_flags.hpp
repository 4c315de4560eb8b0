#pragma once
// The configuration flags shared by every subcommand that reads a configuration (serve, check, explain, ...),
// so an operator can paste a serve command line and swap the verb.
#include <CLI/CLI.hpp>

#include "config/load.hpp"

namespace certgate::cli {

void add_config_flags(CLI::App& app, config::Overrides& o);

// Loads and reports: prints "certgate: <file:line:col>: <what>" to stderr and returns nullopt on error.
std::optional<config::GatewayConfig> load_or_report(const config::Overrides& o, config::Purpose purpose);

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFinding = 1;
inline constexpr int kExitUsage = 2;

}  // namespace certgate::cli
