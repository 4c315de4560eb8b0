#pragma once
// The --at option of the tools: when to evaluate certificates (default now).
#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace certgate::cli {

// Adds `--at TIME` to a subcommand.
void add_at_option(CLI::App& app, std::optional<std::string>& at);

// The time --at names, or now without it. Prints "certgate: --at: ..." and returns nullopt when malformed.
std::optional<std::int64_t> evaluation_time(const std::optional<std::string>& at);

}  // namespace certgate::cli
