#pragma once
// Loading a GatewayConfig: a TOML file and/or IIS XML, then command-line flags on top (a flag overrides
// the file). Everything is validated here; the first problem throws ConfigError with file:line:column.
#include <optional>
#include <string>
#include <vector>

#include "config/gateway_config.hpp"

namespace certgate::config {

// The flags shared by serve, check, explain, ... (the "one-liner").
struct Overrides {
  std::optional<std::string> config_file;   // -c
  std::vector<std::string> listen;          // --listen 127.0.0.1:8443, [::1]:8443 (replaces the file's list)
  std::optional<std::string> cert;          // --cert
  std::optional<std::string> key;           // --key
  std::vector<std::string> client_ca;       // --client-ca (replaces the default block's list)
  std::vector<std::string> crl;             // --crl
  std::optional<std::string> mode;          // --mode ignore|accept|require
  std::optional<std::string> upstream;      // --upstream http://host:port
  std::optional<std::string> iis_config;    // --iis-config web.config
  std::optional<std::string> iis_location;  // --iis-location "Default Web Site/app"
  bool chain_only = false;                  // --chain-only: [mapping] chain_only = true
  std::optional<int> workers;               // --workers
  std::optional<std::string> access_log;    // --access-log PATH ("-" = stdout)
  std::optional<std::string> log_format;    // --log-format text|json
  std::optional<std::string> reject;        // --reject http|handshake
};

// What the caller needs present: serve needs listeners, an upstream and a server certificate;
// explain/check only the policy.
enum class Purpose { serve, inspect };

// Throws ConfigError. Relative paths in a TOML file are resolved against the file's directory;
// paths given as flags against the current directory.
GatewayConfig load_config(const Overrides& flags, Purpose purpose);

// The TOML file alone (no flags, no purpose checks). Throws ConfigError.
GatewayConfig load_toml_file(const std::string& path);
// Parses TOML text; `file` is used for positions and for resolving relative paths. Throws ConfigError.
GatewayConfig parse_toml(std::string_view text, const std::string& file);

// The mapping section of an IIS web.config / applicationHost.config.
struct IisPolicy {
  core::MappingPolicy mapping;
  std::optional<core::ClientCertMode> mode;  // from <access sslFlags>, when present
  std::vector<std::string> locations;        // every <location path> that has a mapping section
};
// location "" = the top-level <system.webServer>; otherwise the <location path="..."> block
// (case-insensitive, leading/trailing '/' ignored). Throws ConfigError (file:line:column).
IisPolicy load_iis_file(const std::string& path, const std::string& location);
IisPolicy parse_iis(std::string_view xml, const std::string& file, const std::string& location);

// "10s", "250ms", "2m", "1h" or an integer number of seconds. nullopt when malformed.
std::optional<Millis> parse_duration(std::string_view text);
// "64KiB", "1MiB", "100MB", "1024" -> bytes. nullopt when malformed.
std::optional<std::uint64_t> parse_size(std::string_view text);
// "127.0.0.1:8443", "[::1]:8443", "localhost:8443" (port required). nullopt when malformed.
std::optional<ListenAddress> parse_listen(std::string_view text);
std::optional<core::ClientCertMode> parse_mode(std::string_view text);

}  // namespace certgate::config
