// certgate: an origin gateway that admits only the CDN that should reach it.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>

#include "cli/config_flags.hpp"
#include "cli/subcommands.hpp"
#include "log/server_log.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  auto logger = spdlog::stderr_color_mt("certgate");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern(certgate::logging::kServerLogPattern);

  CLI::App app{"certgate: admit only the CDN that should reach your origin (mTLS gateway with IIS-compatible "
               "certificate mapping)"};
  app.require_subcommand(1);
  app.name("certgate");  // the usage lines (and certgate(8)) say certgate, not the path it was started by
  app.set_version_flag("--version", "certgate 0.1.0");
  int exit_code = certgate::cli::kExitOk;
  certgate::cli::register_all(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : certgate::cli::kExitUsage;
  }
  return exit_code;
}
