#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers `certgate cert show` and `certgate cert convert`; the callbacks set *exit_code.
void register_cert(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
