#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers `certgate probe URL --cert --key`: is Authenticated Origin Pulls really enforced by that origin?
void register_probe(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
