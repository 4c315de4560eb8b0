#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers `certgate iis export` (a certgate policy as IIS XML and appcmd commands) and
// `certgate iis import` (an IIS web.config / applicationHost.config location as certgate TOML).
void register_iis(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
