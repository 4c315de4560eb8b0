#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers `certgate serve`; the callback sets *exit_code.
void register_serve(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
