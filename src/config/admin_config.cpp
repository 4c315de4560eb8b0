#include "config/admin_config.hpp"

#include "config/config_error.hpp"
#include "config/load.hpp"
#include "core/ascii.hpp"

namespace certgate::config {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_v6(const std::string& host) { return host.find(':') != std::string::npos; }
bool is_wildcard(const std::string& host) { return host == "0.0.0.0" || host == "::"; }

// Two addresses one bind would collide on: equal, or one the wildcard of the other's family.
bool overlaps(const ListenAddress& a, const ListenAddress& b) {
  if (a.port != b.port) return false;
  if (core::ascii::lower_copy(a.host) == core::ascii::lower_copy(b.host)) return true;
  if (is_v6(a.host) != is_v6(b.host)) return false;
  return is_wildcard(a.host) || is_wildcard(b.host);
}

}  // namespace

std::optional<ListenAddress> parse_admin_listen(std::string_view text) {
  std::string_view port = text;
  if (!port.empty() && port.front() == ':') port.remove_prefix(1);
  if (all_digits(port)) return parse_listen("127.0.0.1:" + std::string(port));
  return parse_listen(text);
}

void read_admin(const TomlTable& admin, AdminConfig& out) {
  out.where = admin.where();
  if (auto within = admin.duration("ready_upstream_within")) out.ready_upstream_within = *within;  // 0 = off
  auto text = admin.string("listen");
  if (!text) return;
  auto address = parse_admin_listen(*text);
  if (!address) {
    throw ConfigError(admin.where("listen"), "'" + *text + "' is not an admin listen address (expected host:port or a "
                                             "port alone, e.g. \"127.0.0.1:9901\", \"[::1]:9901\" or \"9901\")");
  }
  address->where = admin.where("listen");
  out.listen = std::move(*address);
}

void check_admin_address(const GatewayConfig& config) {
  if (!config.admin.listen) return;
  const ListenAddress& admin = *config.admin.listen;
  for (const auto& tls : config.listen) {
    if (!overlaps(admin, tls)) continue;
    std::string tls_text = (is_v6(tls.host) ? "[" + tls.host + "]" : tls.host) + ":" + std::to_string(tls.port);
    std::string at = tls.where.file.empty() ? "" : " (" + tls.where.to_string() + ")";
    throw ConfigError(admin.where, "admin listen address is the TLS listener " + tls_text + at +
                                       ": the admin listener needs an address of its own");
  }
}

}  // namespace certgate::config
