#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers `certgate check`; the callback sets *exit_code (0 clean, 1 warnings, 2 errors).
void register_check(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
