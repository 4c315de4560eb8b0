#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers `certgate pki init|issue|retire|status`; the callbacks set *exit_code.
void register_pki(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
