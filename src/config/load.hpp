#pragma once
// Loading a GatewayConfig: a TOML file and/or IIS XML, then command-line flags on top (a flag overrides
// the file). Everything is validated here; the first problem throws ConfigError with file:line:column.
#include <optional>
#include <string>
#include <vector>

#include "config/config_error.hpp"
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
  std::vector<std::string> iis_config;      // --iis-config applicationHost.config --iis-config web.config (server down)
  std::optional<std::string> iis_location;  // --iis-location "Default Web Site/app"
  bool chain_only = false;                  // --chain-only: [mapping] chain_only = true
  bool report_only = false;                 // --report-only: enforce = false in every host block
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

// The mapping of IIS configuration files (applicationHost.config, then web.config files from the site
// down), merged for one location path as IIS merges inherited configuration (docs/config.md,
// "Reading an IIS configuration"; the rules and their sources in docs/decisions.md).
struct IisText {
  std::string file;  // for positions
  std::string text;
};

// A place in the files with a client-certificate mapping section.
struct IisPlace {
  std::string path;       // as written in <location path="...">; "" = a file's top level
  core::SourcePos where;  // the <location> element (the mapping section itself for a top level)
};

struct IisPolicy {
  core::MappingPolicy mapping;
  std::optional<core::ClientCertMode> mode;  // from <access sslFlags>, when present
  std::vector<std::string> locations;        // every <location path> that has a mapping section
  std::string location;                      // the path read, as written ("" = the top level)
  std::vector<ConfigNote> notes;             // how it was read: fragments, the location chosen, the pieces merged
  // As written, for the comments of `certgate iis import`: the sslFlags that decided the mode, and the
  // mapping section's enabled attribute that decided (empty text when no piece has one).
  std::string ssl_flags;
  core::SourcePos ssl_flags_where;
  std::string section_enabled;
  core::SourcePos section_enabled_where;
};

// No location was chosen and the files have a mapping section in several places.
class IisLocationChoiceError : public ConfigError {
 public:
  IisLocationChoiceError(const core::SourcePos& where, const std::string& message, std::vector<IisPlace> places)
      : ConfigError(where, message), places_(std::move(places)) {}
  const std::vector<IisPlace>& places() const { return places_; }

 private:
  std::vector<IisPlace> places_;
};

// files: from the server down. location: the path to read ("" = the top level; "Default Web Site/app";
// compared ignoring case and leading/trailing '/'); nullopt = the one place in the files with a mapping
// section (IisLocationChoiceError when there are several). Throws ConfigError (file:line:column).
IisPolicy read_iis(const std::vector<IisText>& files, const std::optional<std::string>& location);
IisPolicy load_iis_files(const std::vector<std::string>& paths, const std::optional<std::string>& location);
// One file, an explicit location ("" = the top level).
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
