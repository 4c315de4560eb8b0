#include "cli/config_flags.hpp"

#include <iostream>

#include "config/config_error.hpp"

namespace certgate::cli {

void add_config_flags(CLI::App& app, config::Overrides& o) {
  app.add_option("-c,--config", o.config_file, "TOML configuration file");
  app.add_option("--listen", o.listen, "listen address, e.g. 127.0.0.1:8443 or [::1]:8443 (repeatable)");
  app.add_option("--cert", o.cert, "server certificate chain (PEM)");
  app.add_option("--key", o.key, "server private key (PEM)");
  app.add_option("--client-ca", o.client_ca, "trust anchor file or directory for client certificates (repeatable)");
  app.add_option("--crl", o.crl, "CRL file (repeatable)");
  app.add_option("--mode", o.mode, "client certificate mode: ignore | accept | require");
  app.add_option("--upstream", o.upstream, "upstream URL, http://host:port or https://host:port");
  app.add_option("--iis-config", o.iis_config,
                 "read the mapping policy from IIS applicationHost.config/web.config (repeatable: from the server "
                 "down, merged as IIS inherits)");
  app.add_option("--iis-location", o.iis_location,
                 "the path to read from --iis-config, e.g. \"Default Web Site/app\" (\"\" = the top level; "
                 "default: the only location with a mapping section)");
  app.add_flag("--chain-only", o.chain_only,
               "no mappings: admit every client certificate that verifies against --client-ca, as its subject CN");
  app.add_flag("--report-only", o.report_only,
               "enforce = false in every host block: requests that would be refused are let through and logged "
               "with would_refuse=STATUS (docs/cloudflare.md)");
  app.add_option("--workers", o.workers, "worker threads (0 = one per core)");
  app.add_option("--access-log", o.access_log, "access log file ('-' = stdout)");
  app.add_option("--log-format", o.log_format, "access log format: text | json");
  app.add_option("--reject", o.reject, "how to refuse: http (IIS status codes) | handshake (TLS alert)");
}

std::optional<config::GatewayConfig> load_or_report(const config::Overrides& o, config::Purpose purpose) {
  try {
    return config::load_config(o, purpose);
  } catch (const config::ConfigError& e) {
    std::cerr << "certgate: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "certgate: " << e.what() << "\n";
  }
  return std::nullopt;
}

}  // namespace certgate::cli
