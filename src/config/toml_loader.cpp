// The TOML configuration file: every table and key of docs/config.md, typed and positioned.
#include <algorithm>
#include <filesystem>
#include <limits>

#include "config/admin_config.hpp"
#include "config/config_error.hpp"
#include "config/files.hpp"
#include "config/load.hpp"
#include "config/names.hpp"
#include "config/toml_document.hpp"
#include "config/toml_mapping.hpp"
#include "config/toml_table.hpp"
#include "config/upstreams_config.hpp"
#include "core/ascii.hpp"
#include "core/header_names.hpp"
#include "core/http_url.hpp"

namespace certgate::config {
namespace {

const std::vector<std::pair<std::string_view, core::ClientCertMode>> mode_names = {
    {"ignore", core::ClientCertMode::ignore},
    {"accept", core::ClientCertMode::accept},
    {"require", core::ClientCertMode::require}};

}  // namespace

void add_listen_address(std::vector<ListenAddress>& listen, const std::string& text, const core::SourcePos& where) {
  auto address = parse_listen(text);
  if (!address) {
    throw ConfigError(where, "'" + text + "' is not a listen address (expected host:port, e.g. \"127.0.0.1:8443\" or "
                             "\"[::1]:8443\")");
  }
  address->where = where;
  for (const auto& earlier : listen) {
    if (core::ascii::lower_copy(earlier.host) == core::ascii::lower_copy(address->host) && earlier.port == address->port) {
      throw ConfigError(where, "listen address '" + text + "' is given twice");
    }
  }
  listen.push_back(std::move(*address));
}

namespace {

void read_server(const TomlTable& server, GatewayConfig& config) {
  if (auto listen = server.strings("listen")) {
    config.listen.clear();
    for (const auto& entry : *listen) add_listen_address(config.listen, entry.value, entry.where);
  }
  if (auto workers = server.integer("workers", 0, 4096)) config.workers = static_cast<int>(*workers);
  if (auto reject = server.choice<RejectMode>("reject", {{"http", RejectMode::http}, {"handshake", RejectMode::handshake}})) {
    config.reject = *reject;
  }
  if (auto detailed = server.choice<DetailedErrors>(
          "detailed_errors", {{"local", DetailedErrors::local}, {"on", DetailedErrors::on}, {"off", DetailedErrors::off}})) {
    config.detailed_errors = *detailed;
  }
  if (auto access_log = server.string("access_log")) {
    // "-" (standard output) and "" (off) are not paths.
    config.access_log = (*access_log == "-" || access_log->empty()) ? *access_log : resolve_path(*access_log, server.file());
  }
  if (auto format = server.choice<LogFormat>("log_format", {{"text", LogFormat::text}, {"json", LogFormat::json}})) {
    config.log_format = *format;
  }
  if (auto level = server.choice<std::string_view>(
          "log_level", {{"trace", "trace"}, {"debug", "debug"}, {"info", "info"}, {"warn", "warn"}, {"error", "error"},
                        {"off", "off"}})) {
    config.log_level = std::string(*level);
  }
}

// The HTTP/2 keys of [limits] (docs/config.md, "HTTP/2"). Sizes in bytes take a size string too ("256KiB").
void read_h2_limits(const TomlTable& limits, Limits& out) {
  constexpr std::int64_t kMaxWindow = (std::int64_t{1} << 31) - 1;  // RFC 9113 6.9.1
  auto count = [&](std::string_view key, std::int64_t min, std::int64_t max, std::uint32_t& field) {
    if (auto value = limits.integer(key, min, max)) field = static_cast<std::uint32_t>(*value);
  };
  auto bytes = [&](std::string_view key, std::uint64_t min, std::uint64_t max, std::uint32_t& field) {
    if (auto value = limits.size(key)) {
      if (*value < min || *value > max) {
        limits.fail(key, std::to_string(*value) + " is out of range (" + std::to_string(min) + ".." +
                             std::to_string(max) + ")");
      }
      field = static_cast<std::uint32_t>(*value);
    }
  };
  count("h2_max_concurrent_streams", 1, kMaxWindow, out.h2_max_concurrent_streams);
  bytes("h2_header_table_size", 0, 65'536, out.h2_header_table_size);
  bytes("h2_stream_window", 65'535, kMaxWindow, out.h2_stream_window);
  bytes("h2_connection_window", 65'535, kMaxWindow, out.h2_connection_window);
  count("h2_max_continuations", 0, 1'000, out.h2_max_continuations);
  count("h2_reset_burst", 1, 1'000'000, out.h2_reset_burst);
  count("h2_reset_rate", 1, 1'000'000, out.h2_reset_rate);
  count("h2_control_burst", 1, 1'000'000, out.h2_control_burst);
  count("h2_control_rate", 1, 1'000'000, out.h2_control_rate);
}

void read_limits(const TomlTable& limits, Limits& out) {
  auto positive_duration = [&](std::string_view key, Millis& field) {
    if (auto value = limits.duration(key)) {
      if (value->count() == 0) limits.fail(key, "must be greater than zero");
      field = *value;
    }
  };
  positive_duration("handshake_timeout", out.handshake_timeout);
  positive_duration("header_timeout", out.header_timeout);
  positive_duration("idle_timeout", out.idle_timeout);
  positive_duration("body_timeout", out.body_timeout);
  positive_duration("upstream_connect_timeout", out.upstream_connect_timeout);
  positive_duration("upstream_response_timeout", out.upstream_response_timeout);
  if (auto drain = limits.duration("drain_timeout")) out.drain_timeout = *drain;  // 0 = stop at once
  if (auto header = limits.size("max_header_bytes")) {
    if (*header == 0 || *header > (1u << 30)) limits.fail("max_header_bytes", "must be between 1 byte and 1GiB");
    out.max_header_bytes = static_cast<std::size_t>(*header);
  }
  if (auto body = limits.size("max_body_bytes")) out.max_body_bytes = *body;
  if (auto connections = limits.integer("max_connections", 1, 10'000'000)) {
    out.max_connections = static_cast<std::size_t>(*connections);
  }
  if (auto sessions = limits.integer("session_cache", 0, 10'000'000)) {
    out.session_cache = static_cast<std::size_t>(*sessions);
  }
  if (auto chains = limits.integer("verified_chain_cache", 0, 1'000'000)) {
    out.verified_chain_cache = static_cast<std::size_t>(*chains);
  }
  if (auto rate = limits.size("body_min_rate")) out.body_min_rate = *rate;
  if (auto header = limits.size("max_response_header_bytes")) {
    if (*header < 1024 || *header > (1u << 30)) limits.fail("max_response_header_bytes", "must be between 1KiB and 1GiB");
    out.max_response_header_bytes = static_cast<std::size_t>(*header);
  }
  if (auto requests = limits.integer("max_requests_per_connection", 1, std::numeric_limits<std::int64_t>::max())) {
    out.max_requests_per_connection = static_cast<std::uint64_t>(*requests);
  }
  positive_duration("max_connection_age", out.max_connection_age);
  if (auto interval = limits.duration("crl_check_interval")) {
    // 0 = off; below 100ms the stat() calls would cost more than a change noticed that much sooner is worth.
    if (interval->count() != 0 && interval->count() < 100) limits.fail("crl_check_interval", "must be 0 (off) or at least 100ms");
    out.crl_check_interval = *interval;
  }
  if (auto before = limits.duration("crl_warn_before")) out.crl_warn_before = *before;
  read_h2_limits(limits, out);
}

void read_headers(const TomlTable& headers, HeaderNames& out) {
  std::vector<std::pair<std::string_view, std::string*>> fields = {
      {"verify", &out.verify},   {"identity", &out.identity},       {"mapping", &out.mapping},
      {"subject", &out.subject}, {"issuer", &out.issuer},           {"fingerprint", &out.fingerprint},
      {"serial", &out.serial},   {"client_cert", &out.client_cert}, {"request_id", &out.request_id},
      {"would_refuse", &out.would_refuse}};
  for (auto& [key, field] : fields) {
    if (auto name = headers.string(key)) {
      // "" turns the header off (a large Client-Cert the origin does not read, say).
      if (!name->empty() && !is_header_name(*name)) headers.fail(key, "'" + *name + "' is not a valid header name");
      *field = *name;
    }
  }
  if (auto from = headers.string("request_id_from")) {
    // "" never takes the id from a request.
    if (!from->empty() && !is_header_name(*from)) headers.fail("request_id_from", "'" + *from + "' is not a valid header name");
    out.request_id_from = *from;
  }
  if (auto from = headers.string("client_ip_from")) {
    // "" always writes the TCP peer's address.
    if (!from->empty() && !is_header_name(*from)) headers.fail("client_ip_from", "'" + *from + "' is not a valid header name");
    const std::string folded = core::fold_header_name(*from);
    for (std::string_view written : core::names_certgate_writes()) {
      if (folded == written) headers.fail("client_ip_from", "header name '" + *from + "' is one certgate writes itself");
    }
    for (const auto& [key, field] : fields) {
      if (!field->empty() && folded == core::fold_header_name(*field)) {
        headers.fail("client_ip_from", "header name '" + *from + "' is already used by [headers] " + std::string(key));
      }
    }
    out.client_ip_from = *from;
  }
  if (auto strip = headers.strings("strip")) {
    for (const auto& name : *strip) {
      if (!is_header_name(name.value)) headers.fail_at(name.where, "[headers] strip: '" + name.value + "' is not a valid header name");
      out.strip.push_back(name.value);
    }
  }
  if (auto keep = headers.choice<bool>("underscores", {{"drop", false}, {"keep", true}})) out.keep_underscores = *keep;
  // Two identity headers with one name (as a back end reads names: folded) would let one overwrite the other
  // upstream; one named like a header certgate writes itself would break the request's framing or routing.
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].second->empty()) continue;
    const std::string folded = core::fold_header_name(*fields[i].second);
    for (std::string_view written : core::names_certgate_writes()) {
      if (folded == written) {
        headers.fail(fields[i].first, "header name '" + *fields[i].second + "' is one certgate writes itself");
      }
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (folded == core::fold_header_name(*fields[j].second)) {
        headers.fail(fields[i].first, "header name '" + *fields[i].second + "' is already used by [headers] " +
                                          std::string(fields[j].first) +
                                          " (names are compared as back ends read them: any case, '_' as '-')");
      }
    }
  }
}

// The OCSP keys of [tls] or a [[host]] block.
void read_ocsp(const TomlTable& table, TlsSettings& tls, ExplicitSettings& set) {
  if (auto mode = table.choice<OcspMode>("ocsp", {{"off", OcspMode::off}, {"leaf", OcspMode::leaf},
                                                  {"chain", OcspMode::chain}})) {
    tls.ocsp = *mode;
    set.ocsp = true;
  }
  if (auto responder = table.string("ocsp_responder")) {
    if (!responder->empty()) {
      if (auto url = core::parse_http_url(*responder); !url) {
        table.fail("ocsp_responder", "'" + *responder + "': " + url.error);
      }
    }
    tls.ocsp_responder = *responder;
    set.ocsp_responder = true;
  }
  if (auto fail = table.choice<OcspFail>("ocsp_fail", {{"closed", OcspFail::closed}, {"open", OcspFail::open}})) {
    tls.ocsp_fail = *fail;
    set.ocsp_fail = true;
  }
  if (auto timeout = table.duration("ocsp_timeout")) {
    // The lookup holds the connection's first request: more than a minute is a responder that is down.
    if (timeout->count() == 0 || *timeout > Millis(60'000)) table.fail("ocsp_timeout", "must be between 1ms and 60s");
    tls.ocsp_timeout = *timeout;
    set.ocsp_timeout = true;
  }
}

// alpn of [tls] or a [[host]] block: the protocols offered, in the server's order of preference.
void read_alpn(const TomlTable& table, TlsSettings& tls, ExplicitSettings& set) {
  auto list = table.strings("alpn");
  if (!list) return;
  const std::string what = table.label() + " alpn";
  if (list->empty()) table.fail("alpn", "must name at least one protocol (\"h2\", \"http/1.1\")");
  std::vector<std::string> protocols;
  for (const auto& entry : *list) {
    if (entry.value != "h2" && entry.value != "http/1.1") {
      table.fail_at(entry.where, what + ": '" + entry.value + "' is not allowed; expected one of: h2, http/1.1");
    }
    if (std::find(protocols.begin(), protocols.end(), entry.value) != protocols.end()) {
      table.fail_at(entry.where, what + ": '" + entry.value + "' is listed twice");
    }
    protocols.push_back(entry.value);
  }
  tls.alpn = std::move(protocols);
  tls.alpn_where = table.where("alpn");
  set.alpn = true;
}

// [tls] or the TLS keys of a [[host]] block.
void read_tls(const TomlTable& table, TlsSettings& tls, ExplicitSettings& set) {
  tls.where = table.where();
  auto paths = [&](std::string_view key, std::vector<std::string>& out, bool& flag) {
    if (auto list = table.strings(key)) {
      out.clear();
      for (const auto& entry : *list) {
        if (entry.value.empty()) table.fail_at(entry.where, table.label() + " " + std::string(key) + ": empty path");
        out.push_back(resolve_path(entry.value, table.file()));
      }
      flag = true;
    }
  };
  if (auto cert = table.path("cert")) {
    tls.cert_file = *cert;
    set.cert = true;
  }
  if (auto key = table.path("key")) {
    tls.key_file = *key;
    set.key = true;
  }
  paths("client_ca", tls.client_ca, set.client_ca);
  paths("crl", tls.crl, set.crl);
  if (auto expired = table.choice<CrlExpired>("crl_expired", {{"refuse", CrlExpired::refuse}, {"warn", CrlExpired::warn}})) {
    tls.crl_expired = *expired;
    set.crl_expired = true;
  }
  if (auto mode = table.choice<core::ClientCertMode>("mode", mode_names)) {
    tls.mode = *mode;
    tls.mode_where = table.where("mode");
    set.mode = true;
  }
  if (auto depth = table.integer("verify_depth", 0, 16)) {
    tls.verify_depth = static_cast<int>(*depth);
    set.verify_depth = true;
  }
  if (auto version = table.choice<std::string_view>("min_version", {{"1.2", "1.2"}, {"1.3", "1.3"}})) {
    tls.min_version = std::string(*version);
    set.min_version = true;
  }
  read_ocsp(table, tls, set);
  read_alpn(table, tls, set);
  if (auto enforce = table.boolean("enforce")) {
    tls.enforcement = *enforce ? core::Enforcement::enforce : core::Enforcement::report_only;
    tls.enforce_where = table.where("enforce");
    set.enforce = true;
  }
}

// [tls] session_ticket_keys: one set for the whole process (tickets are encrypted before SNI picks a block), so
// [[host]] blocks have no such key. The files are read where the TLS contexts are built (tls/ticket_keys.hpp).
void read_session_ticket_keys(const TomlTable& table, std::vector<TicketKeyFile>& out) {
  auto list = table.strings("session_ticket_keys");
  if (!list) return;
  out.clear();
  for (const auto& entry : *list) {
    if (entry.value.empty()) table.fail_at(entry.where, "[tls] session_ticket_keys: empty path");
    std::string path = resolve_path(entry.value, table.file());
    for (const auto& earlier : out) {
      if (std::filesystem::path(earlier.path).lexically_normal() == std::filesystem::path(path).lexically_normal()) {
        table.fail_at(entry.where, "[tls] session_ticket_keys: '" + entry.value + "' is already listed at " +
                                       earlier.where.to_string());
      }
    }
    out.push_back(TicketKeyFile{std::move(path), entry.where});
  }
}

void read_host(const toml::table& table, const std::string& file, std::size_t index, TomlDocument& document) {
  TomlTable host(table, "[[host]]", file,
                 {"names", "cert", "key", "client_ca", "crl", "crl_expired", "mode", "verify_depth", "min_version", "ocsp",
                  "ocsp_responder", "ocsp_fail", "ocsp_timeout", "alpn", "enforce", "mapping", "upstream"});
  HostPolicy policy;
  ExplicitSettings set;
  policy.where = host.where();
  auto names = host.strings("names");
  if (!names) host.fail_missing("names");
  if (names->empty()) host.fail("names", "must name at least one host");
  for (const auto& entry : *names) {
    if (!is_server_name(entry.value)) {
      host.fail_at(entry.where, "[[host]] names: '" + entry.value + "' is not a host name (e.g. \"api.example.com\" or "
                                "\"*.example.com\")");
    }
    std::string name = core::ascii::lower_copy(entry.value);
    for (std::size_t other = 0; other <= index; ++other) {
      const auto& claimed = other < index ? document.config.hosts[other].server_names : policy.server_names;
      if (std::find(claimed.begin(), claimed.end(), name) != claimed.end()) {
        std::string owner = other < index ? "the [[host]] block at " + document.config.hosts[other].where.to_string()
                                          : "this block";
        host.fail_at(entry.where, "[[host]] names: '" + entry.value + "' is already claimed by " + owner);
      }
    }
    policy.server_names.push_back(std::move(name));
  }
  policy.name = policy.server_names.front();
  check_host_upstream(host, document.config, policy);
  read_tls(host, policy.tls, set);
  // A host's certificate and key go together: half of a pair inherited from [tls] would not match.
  if (set.cert != set.key) {
    throw ConfigError(host.where(), std::string("[[host]]: ") + (set.cert ? "cert is set but key is not" : "key is set but cert is not") +
                                        " (a host's certificate and key go together)");
  }
  if (const toml::table* mapping = host.table("mapping")) {
    read_mapping_table(*mapping, "host.mapping", file, policy.mapping, policy.iis);
    set.mapping = true;
  }
  document.config.hosts.push_back(std::move(policy));
  document.host_blocks.push_back(set);
}

}  // namespace

TomlDocument new_document(const std::string& file) {
  TomlDocument document;
  GatewayConfig& config = document.config;
  config.source_file = file;
  config.default_host.name = "default";
  config.default_host.where = core::SourcePos{file};
  config.default_host.tls.where = core::SourcePos{file};
  config.upstream.where = core::SourcePos{file};
  document.server_where = core::SourcePos{file};
  return document;
}

TomlDocument read_toml_document(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& error) {
    throw ConfigError(toml_position(error.source(), file), "TOML syntax: " + std::string(error.description()));
  }
  TomlDocument document = new_document(file);
  GatewayConfig& config = document.config;

  TomlTable top(root, "", file, {"server", "limits", "upstream", "upstreams", "headers", "tls", "mapping", "host", "admin"});
  if (const toml::table* server = top.table("server")) {
    TomlTable table(*server, "[server]", file,
                    {"listen", "workers", "reject", "detailed_errors", "access_log", "log_format", "log_level"});
    read_server(table, config);
    document.server_where = table.where();
  }
  if (const toml::table* limits = top.table("limits")) {
    read_limits(TomlTable(*limits, "[limits]", file,
                          {"handshake_timeout", "header_timeout", "idle_timeout", "body_timeout",
                           "upstream_connect_timeout", "upstream_response_timeout", "drain_timeout", "max_header_bytes",
                           "max_body_bytes", "max_connections", "session_cache", "verified_chain_cache", "body_min_rate",
                           "max_response_header_bytes", "max_requests_per_connection", "max_connection_age",
                           "crl_check_interval", "crl_warn_before", "h2_max_concurrent_streams",
                           "h2_header_table_size", "h2_stream_window", "h2_connection_window", "h2_max_continuations",
                           "h2_reset_burst", "h2_reset_rate", "h2_control_burst", "h2_control_rate"}),
                config.limits);
  }
  if (const toml::table* upstream = top.table("upstream")) {
    read_upstream(TomlTable(*upstream, "[upstream]", file, kUpstreamKeys), config.upstream, false);
  }
  if (const toml::table* upstreams = top.table("upstreams")) read_named_upstreams(*upstreams, file, config);
  if (const toml::table* headers = top.table("headers")) {
    read_headers(TomlTable(*headers, "[headers]", file,
                           {"verify", "identity", "mapping", "subject", "issuer", "fingerprint", "serial", "client_cert",
                            "strip", "underscores", "request_id", "request_id_from", "client_ip_from", "would_refuse"}),
                 config.headers);
  }
  if (const toml::table* tls = top.table("tls")) {
    TomlTable table(*tls, "[tls]", file,
                    {"cert", "key", "client_ca", "crl", "crl_expired", "mode", "verify_depth", "min_version", "ocsp",
                     "ocsp_responder", "ocsp_fail", "ocsp_timeout", "alpn", "enforce", "session_ticket_keys"});
    read_tls(table, config.default_host.tls, document.default_block);
    read_session_ticket_keys(table, config.session_ticket_keys);
    config.default_host.where = table.where();
  }
  if (const toml::table* mapping = top.table("mapping")) {
    read_mapping_table(*mapping, "mapping", file, config.default_host.mapping, config.default_host.iis);
    document.default_block.mapping = true;
  }
  if (const toml::table* admin = top.table("admin")) {
    read_admin(TomlTable(*admin, "[admin]", file, {"listen", "ready_upstream_within"}), config.admin);
  }
  if (const toml::array* hosts = top.table_array("host")) {
    for (const toml::node& host : *hosts) read_host(*host.as_table(), file, config.hosts.size(), document);
  }
  return document;
}

TomlDocument read_toml_document_file(const std::string& path) {
  std::string error;
  auto text = read_file_bytes(path, error);
  if (!text) throw ConfigError(core::SourcePos{path}, "cannot read the configuration file: " + error);
  return read_toml_document(*text, path);
}

GatewayConfig parse_toml(std::string_view text, const std::string& file) {
  return finish_document(read_toml_document(text, file));
}

GatewayConfig load_toml_file(const std::string& path) { return finish_document(read_toml_document_file(path)); }

}  // namespace certgate::config
