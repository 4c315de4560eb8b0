#pragma once
// A TOML file read into a GatewayConfig, plus what inheritance needs to know: which settings a
// [[host]] block (and the default block's mode) wrote explicitly. Shared by parse_toml and load_config,
// which applies the flags between reading and finishing.
#include <string>
#include <string_view>
#include <vector>

#include "config/gateway_config.hpp"

namespace certgate::config {

// Which keys a host block set itself; the others inherit from the default block.
struct ExplicitSettings {
  bool cert = false;
  bool key = false;
  bool client_ca = false;
  bool crl = false;
  bool crl_expired = false;
  bool mode = false;
  bool verify_depth = false;
  bool min_version = false;
  bool ocsp = false;
  bool ocsp_responder = false;
  bool ocsp_fail = false;
  bool ocsp_timeout = false;
  bool alpn = false;
  bool enforce = false;
  bool mapping = false;  // the block has its own [mapping] / [host.mapping]
};

struct TomlDocument {
  GatewayConfig config;
  ExplicitSettings default_block;           // only `mode` matters: IIS sslFlags must not override it
  std::vector<ExplicitSettings> host_blocks;  // parallel to config.hosts
  core::SourcePos server_where;               // [server], for "no listen address"
};

// An empty document (no file): defaults only. file names the TOML file, "" when there is none.
TomlDocument new_document(const std::string& file);

// Throws ConfigError.
TomlDocument read_toml_document(std::string_view text, const std::string& file);
TomlDocument read_toml_document_file(const std::string& path);

// Appends a listen address given as text ("127.0.0.1:8443"); malformed or repeated -> ConfigError at where.
void add_listen_address(std::vector<ListenAddress>& listen, const std::string& text, const core::SourcePos& where);

// Reads the IIS files named by iis_config (default block first), then lets every [[host]] inherit what
// it did not set from the default block. Throws ConfigError.
GatewayConfig finish_document(TomlDocument document);

}  // namespace certgate::config
