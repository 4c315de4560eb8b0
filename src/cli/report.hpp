#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers `certgate report ACCESS_LOG...`: is it safe to switch `enforce` on? The callback sets *exit_code
// (0 safe to enforce, 1 not safe, 2 usage or a file that cannot be read).
void register_report(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
