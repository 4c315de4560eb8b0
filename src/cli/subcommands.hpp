#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers every subcommand (one file each).
void register_all(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
