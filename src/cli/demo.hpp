#pragma once
#include <CLI/CLI.hpp>

namespace certgate::cli {
// Registers `certgate demo`: the whole gateway on loopback with a generated PKI, for a first look.
void register_demo(CLI::App& app, int* exit_code);
}  // namespace certgate::cli
