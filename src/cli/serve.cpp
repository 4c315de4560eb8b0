#include "cli/serve.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "admin/admin_listener.hpp"
#include "cli/config_flags.hpp"
#include "log/server_log.hpp"
#include "server/server.hpp"

namespace certgate::cli {
namespace {

struct ServeOptions {
  config::Overrides overrides;
};

int run_serve(const ServeOptions& opts) {
  auto cfg = load_or_report(opts.overrides, config::Purpose::serve);
  if (!cfg) return kExitUsage;
  spdlog::set_level(spdlog::level::from_str(cfg->log_level));
  // From here on no thread waits for standard error; declared before the server, so it outlives the
  // access log's last warnings.
  logging::ServerLog server_log;
  std::shared_ptr<const server::Runtime> rt;
  try {
    rt = server::build_runtime(*cfg, 1);
  } catch (const std::exception& e) {
    std::cerr << "certgate: " << e.what() << "\n";
    return kExitUsage;
  }
  std::function<config::GatewayConfig()> reload;
  if (opts.overrides.config_file) {
    reload = [o = opts.overrides] { return config::load_config(o, config::Purpose::serve); };
  }
  try {
    server::Server server(rt, reload);
    server.start();
    // Declared after the server: stops first. Its address is the one loaded at start-up (as the listeners').
    std::unique_ptr<admin::AdminListener> admin_listener;
    if (cfg->admin.listen) {
      admin_listener = std::make_unique<admin::AdminListener>(server, *cfg->admin.listen);
      admin_listener->start();
    }
    return server.wait();
  } catch (const std::exception& e) {
    std::cerr << "certgate: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace

void register_serve(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<ServeOptions>();
  CLI::App* sub = app.add_subcommand("serve", "terminate TLS, verify and map client certificates, proxy to the origin");
  sub->footer(R"(Examples:
  certgate serve -c certgate.toml
  certgate serve --listen 127.0.0.1:8443 --cert server.pem --key server.key \
                 --client-ca my-aop-ca.pem --upstream http://127.0.0.1:8080 --chain-only
  certgate serve -c certgate.toml --iis-config web.config --mode require

Without mappings, every client certificate is refused (401.2) unless --chain-only (or [mapping]
chain_only = true) admits every one that verifies, as its subject CN.

Signals: SIGTERM/SIGINT drain in-flight requests and exit 0; SIGHUP reloads the configuration file;
SIGUSR1 reopens the access log file (after logrotate renamed it).)");
  add_config_flags(*sub, opts->overrides);
  sub->callback([opts, exit_code] { *exit_code = run_serve(*opts); });
}

}  // namespace certgate::cli
