#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers `certgate explain`; the callback sets *exit_code (0 admitted, 1 refused, 2 input error).
void register_explain(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
