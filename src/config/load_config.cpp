// load_config: the TOML file (when -c is given), the flags on top, then what the caller's purpose needs.
#include "config/config_error.hpp"
#include "config/load.hpp"
#include "config/toml_document.hpp"
#include "config/upstream_url.hpp"

namespace certgate::config {
namespace {

// A flag's value is refused with the flag as its position: "--mode: 'x' is not allowed; ...".
[[noreturn]] void fail_flag(const char* flag, const std::string& what) { throw ConfigError(core::SourcePos{flag}, what); }

template <typename T>
T flag_choice(const char* flag, const std::string& value, const std::vector<std::pair<std::string_view, T>>& allowed) {
  std::string names;
  for (const auto& [name, result] : allowed) {
    if (name == value) return result;
    names += names.empty() ? std::string(name) : ", " + std::string(name);
  }
  fail_flag(flag, "'" + value + "' is not allowed; expected one of: " + names);
}

// A flag replaces one key of [server], [tls], [upstream] or [mapping] (lists are replaced whole).
// Hosts that inherit the key from the default block see the flag's value.
void apply_overrides(const Overrides& flags, TomlDocument& document) {
  GatewayConfig& config = document.config;
  HostPolicy& base = config.default_host;
  if (!flags.listen.empty()) {
    config.listen.clear();
    for (const auto& text : flags.listen) add_listen_address(config.listen, text, core::SourcePos{"--listen"});
  }
  if (flags.cert) base.tls.cert_file = *flags.cert;
  if (flags.key) base.tls.key_file = *flags.key;
  if (!flags.client_ca.empty()) base.tls.client_ca = flags.client_ca;
  if (!flags.crl.empty()) base.tls.crl = flags.crl;
  if (flags.mode) {
    base.tls.mode = flag_choice<core::ClientCertMode>("--mode", *flags.mode,
                                                      {{"ignore", core::ClientCertMode::ignore},
                                                       {"accept", core::ClientCertMode::accept},
                                                       {"require", core::ClientCertMode::require}});
    base.tls.mode_where = core::SourcePos{"--mode"};
    document.default_block.mode = true;
  }
  if (flags.upstream) {
    if (std::string error = parse_upstream_url(*flags.upstream, config.upstream); !error.empty()) {
      fail_flag("--upstream", "'" + *flags.upstream + "': " + error);
    }
    config.upstream.where = core::SourcePos{"--upstream"};
    config.upstream.servers.clear();  // the flag's URL is the one server (finish_document)
  }
  if (!flags.iis_config.empty()) {
    for (const std::string& file : flags.iis_config) {
      if (file.empty()) fail_flag("--iis-config", "needs a file name");
    }
    // Several: from the server down (applicationHost.config, the site's web.config, an application's).
    base.iis = IisSource{flags.iis_config, base.iis ? base.iis->location : std::nullopt};
    base.mapping = core::MappingPolicy{};
    document.default_block.mapping = true;
  }
  if (flags.iis_location) {
    if (!base.iis) fail_flag("--iis-location", "needs --iis-config (or iis_config in [mapping])");
    base.iis->location = *flags.iis_location;
  }
  if (flags.chain_only) {
    // Blocks that inherit [mapping] inherit this too; a [host.mapping] of their own keeps its choice.
    if (base.iis) fail_flag("--chain-only", "cannot be combined with an IIS configuration (IIS has no chain-only mode)");
    if (base.mapping.has_mappings()) {
      const core::SourcePos& first = base.mapping.one_to_one.empty() ? base.mapping.many_to_one.front().where
                                                                       : base.mapping.one_to_one.front().where;
      fail_flag("--chain-only", "[mapping] has mappings (the first at " + first.to_string() +
                                    "); chain-only admits every certificate that verifies, as its subject CN, so it "
                                    "cannot be combined with them");
    }
    base.mapping.chain_only = true;
  }
  if (flags.workers) {
    if (*flags.workers < 0 || *flags.workers > 4096) {
      fail_flag("--workers", std::to_string(*flags.workers) + " is out of range (0..4096; 0 = one per core)");
    }
    config.workers = *flags.workers;
  }
  if (flags.access_log) config.access_log = *flags.access_log;
  if (flags.log_format) {
    config.log_format = flag_choice<LogFormat>("--log-format", *flags.log_format,
                                               {{"text", LogFormat::text}, {"json", LogFormat::json}});
  }
  if (flags.reject) {
    config.reject = flag_choice<RejectMode>("--reject", *flags.reject,
                                            {{"http", RejectMode::http}, {"handshake", RejectMode::handshake}});
  }
}

// serve needs somewhere to listen, somewhere to forward to and a certificate to present.
void check_serve(const TomlDocument& document) {
  const GatewayConfig& config = document.config;
  if (config.listen.empty()) throw ConfigError(document.server_where, "no listen address: set [server] listen or --listen");
  if (config.upstream.url.empty()) throw ConfigError(config.upstream.where, "no upstream: set [upstream] url or --upstream");
  const TlsSettings& tls = config.default_host.tls;
  if (tls.cert_file.empty()) throw ConfigError(tls.where, "no server certificate: set [tls] cert or --cert");
  if (tls.key_file.empty()) throw ConfigError(tls.where, "no server private key: set [tls] key or --key");
}

}  // namespace

GatewayConfig load_config(const Overrides& flags, Purpose purpose) {
  TomlDocument document = flags.config_file ? read_toml_document_file(*flags.config_file) : new_document("");
  apply_overrides(flags, document);
  if (purpose == Purpose::serve) check_serve(document);
  GatewayConfig config = finish_document(std::move(document));
  if (flags.report_only) {
    // Every block, whatever its own enforce says: the flag is the operator's switch for a whole rollout.
    config.default_host.tls.enforcement = core::Enforcement::report_only;
    config.default_host.tls.enforce_where = core::SourcePos{"--report-only"};
    for (HostPolicy& host : config.hosts) {
      host.tls.enforcement = core::Enforcement::report_only;
      host.tls.enforce_where = core::SourcePos{"--report-only"};
    }
  }
  return config;
}

}  // namespace certgate::config
