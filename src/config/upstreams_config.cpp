#include "config/upstreams_config.hpp"

#include <algorithm>

#include "config/config_error.hpp"
#include "config/names.hpp"
#include "config/upstream_url.hpp"
#include "core/ascii.hpp"

namespace certgate::config {

const std::vector<std::string_view> kUpstreamKeys = {"url",      "servers",   "ca",           "verify",
                                                     "server_name", "max_idle_per_worker", "upgrade", "balance",
                                                     "fail_timeout", "max_fails", "health_check", "protocol"};
const std::vector<std::string_view> kNamedUpstreamKeys = {"servers",      "ca",        "verify",      "server_name",
                                                          "max_idle_per_worker", "balance", "fail_timeout",
                                                          "max_fails",    "health_check", "protocol"};

namespace {

// Letters, digits, '-', '_' and '.': a name that reaches log lines and metric labels as it is.
bool is_upstream_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

void read_servers(const TomlTable& table, UpstreamConfig& out) {
  auto list = table.strings("servers");
  if (!list) return;
  if (list->empty()) table.fail("servers", "must list at least one server");
  if (list->size() > 64) table.fail("servers", "at most 64 servers");
  out.servers.clear();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const PositionedString& entry = (*list)[i];
    UpstreamServer server;
    bool tls = false;
    if (std::string error = parse_server_url(entry.value, server, tls); !error.empty()) {
      table.fail_at(entry.where, table.label() + " servers: '" + entry.value + "': " + error);
    }
    // One TLS context (ca, verify, server_name) serves every server: they share a scheme.
    if (i > 0 && tls != out.tls) {
      table.fail_at(entry.where, table.label() + " servers: '" + entry.value + "' is " + (tls ? "https" : "http") +
                                     " but '" + out.servers.front().url + "' is " + (out.tls ? "https" : "http") +
                                     " (every server of an upstream has one scheme)");
    }
    for (const UpstreamServer& earlier : out.servers) {
      if (core::ascii::lower_copy(earlier.host) == core::ascii::lower_copy(server.host) && earlier.port == server.port) {
        table.fail_at(entry.where, table.label() + " servers: '" + entry.value + "' is listed twice");
      }
    }
    server.where = entry.where;
    if (i == 0) {
      out.url = server.url;
      out.tls = tls;
      out.host = server.host;
      out.port = server.port;
    }
    out.servers.push_back(std::move(server));
  }
}

// 127.0.0.0/8, ::1, localhost.
bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  return host.rfind("127.", 0) == 0 && host.find_first_not_of("0123456789.") == std::string::npos;
}

void read_health_check(const TomlTable& table, UpstreamConfig& out) {
  const toml::table* inner = table.table("health_check");
  if (inner == nullptr) return;
  TomlTable check(*inner, table.label() + " health_check", table.file(), {"path", "interval", "timeout"});
  HealthCheck hc;
  if (auto path = check.printable_string("path")) {
    if (path->empty() || path->front() != '/' || path->find_first_of(" #") != std::string::npos) {
      check.fail("path", "'" + *path + "' is not an origin-form path (e.g. \"/healthz\")");
    }
    hc.path = *path;
  }
  if (auto interval = check.duration("interval")) {
    if (interval->count() < 100) check.fail("interval", "must be at least 100ms");
    hc.interval = *interval;
  }
  if (auto timeout = check.duration("timeout")) {
    if (timeout->count() == 0) check.fail("timeout", "must be greater than zero");
    hc.timeout = *timeout;
  }
  out.health_check = hc;
}

}  // namespace

void read_upstream(const TomlTable& upstream, UpstreamConfig& out, bool named) {
  out.where = upstream.where();
  if (upstream.has("url") && upstream.has("servers")) {
    upstream.fail("servers", "give url (one server) or servers, not both");
  }
  if (auto url = upstream.string("url")) {
    if (std::string error = parse_upstream_url(*url, out); !error.empty()) upstream.fail("url", "'" + *url + "': " + error);
  }
  read_servers(upstream, out);
  if (named && out.servers.empty()) upstream.fail_missing("servers");
  if (auto ca = upstream.path("ca")) out.ca_file = *ca;
  if (auto verify = upstream.boolean("verify")) out.verify = *verify;
  if (auto name = upstream.printable_string("server_name")) out.server_name = *name;
  if (auto idle = upstream.integer("max_idle_per_worker", 0, 100'000)) out.max_idle_per_worker = static_cast<std::size_t>(*idle);
  if (auto balance = upstream.choice<Balance>("balance", {{"round_robin", Balance::round_robin},
                                                          {"least_conn", Balance::least_conn}})) {
    out.balance = *balance;
  }
  if (auto fail_timeout = upstream.duration("fail_timeout")) {
    if (fail_timeout->count() == 0) upstream.fail("fail_timeout", "must be greater than zero");
    out.fail_timeout = *fail_timeout;
  }
  if (auto max_fails = upstream.integer("max_fails", 1, 1000)) out.max_fails = static_cast<int>(*max_fails);
  read_health_check(upstream, out);
  if (auto protocol = upstream.choice<UpstreamProtocol>("protocol", {{"http/1.1", UpstreamProtocol::http1},
                                                                    {"h2", UpstreamProtocol::h2}})) {
    out.protocol = *protocol;
    if (out.protocol == UpstreamProtocol::h2) {
      // h2c (prior knowledge) carries requests in the clear: only to a server on this machine.
      std::vector<UpstreamServer> servers = out.servers;
      if (servers.empty()) servers.push_back(UpstreamServer{out.url, out.host, out.port, out.where});
      for (const UpstreamServer& s : servers) {
        if (!out.tls && !is_loopback_host(s.host)) {
          upstream.fail("protocol", "\"h2\" over http:// (h2c, prior knowledge) is only for loopback servers; '" +
                                        s.url + "' is not: use https:// (ALPN h2)");
        }
      }
      if (out.health_check) {
        upstream.fail("protocol", "health_check speaks HTTP/1.1 and cannot check an HTTP/2 upstream; leave it out");
      }
    }
  }
  if (auto protocols = upstream.strings("upgrade")) {
    out.upgrade.clear();
    for (const auto& p : *protocols) {
      if (!is_header_name(p.value)) upstream.fail_at(p.where, "[upstream] upgrade: '" + p.value + "' is not a protocol name");
      const std::string name = core::ascii::lower_copy(p.value);
      // h2c turns the connection into HTTP/2 frames certgate does not read: every later request would skip
      // the checks (request smuggling by upgrade).
      if (name == "h2c" || name == "h2") {
        upstream.fail_at(p.where, "[upstream] upgrade: '" + p.value + "' cannot be tunnelled: requests inside it would "
                                  "bypass certgate's checks");
      }
      out.upgrade.push_back(name);
    }
  }
}

void read_named_upstreams(const toml::table& upstreams, const std::string& file, GatewayConfig& config) {
  // toml++ iterates a table in key order; the file's order is kept by sorting on position.
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (auto&& [key, value] : upstreams) entries.emplace_back(std::string(key.str()), &value);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.second->source().begin;
    const auto& pb = b.second->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  for (const auto& [name, node] : entries) {
    const core::SourcePos where = toml_position(node->source(), file);
    const toml::table* table = node->as_table();
    if (table == nullptr) throw ConfigError(where, "[upstreams] " + name + ": expected a table ([upstreams." + name + "])");
    if (!is_upstream_name(name)) {
      throw ConfigError(where, "[upstreams." + name + "]: '" + name +
                                   "' is not an upstream name (letters, digits, '-', '_', '.'; at most 64)");
    }
    if (name == "default") {
      throw ConfigError(where, "[upstreams.default]: 'default' names [upstream]; choose another name");
    }
    UpstreamConfig upstream;
    upstream.name = name;
    upstream.upgrade = config.upstream.upgrade;  // upgrades are [upstream]'s, for every upstream
    read_upstream(TomlTable(*table, "[upstreams." + name + "]", file, kNamedUpstreamKeys), upstream, true);
    config.upstreams.push_back(std::move(upstream));
  }
}

void check_host_upstream(const TomlTable& host, const GatewayConfig& config, HostPolicy& policy) {
  auto name = host.string("upstream");
  if (!name) return;
  policy.upstream_where = host.where("upstream");
  if (*name == "default") {
    policy.upstream.clear();
    return;
  }
  std::vector<std::string_view> known{"default"};
  for (const UpstreamConfig& u : config.upstreams) {
    if (u.name == *name) {
      policy.upstream = *name;
      return;
    }
    known.push_back(u.name);
  }
  std::string message = "[[host]] upstream: unknown upstream '" + *name + "' (defined: " + join(known) + ")";
  if (auto suggestion = closest_name(*name, known)) message += "; did you mean '" + std::string(*suggestion) + "'?";
  host.fail_at(policy.upstream_where, message);
}

void finish_upstreams(GatewayConfig& config) {
  UpstreamConfig& base = config.upstream;
  if (base.servers.empty() && !base.url.empty()) {
    base.servers.push_back(UpstreamServer{base.url, base.host, base.port, base.where});
  }
}

}  // namespace certgate::config
