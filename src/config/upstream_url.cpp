#include "config/upstream_url.hpp"

#include "core/ascii.hpp"
#include "core/host_port.hpp"

namespace certgate::config {

std::string parse_server_url(std::string_view url, UpstreamServer& server, bool& tls) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "expected http://host:port or https://host:port";
  std::string scheme = core::ascii::lower_copy(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return "unsupported scheme '" + scheme + "' (expected http or https)";
  }
  std::string_view rest = url.substr(scheme_end + 3);
  std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (!tail.empty() && tail != "/") {
    return "the URL must not have a path, query or fragment ('" + std::string(tail) +
           "'); requests keep their own path";
  }
  if (authority.find('@') != std::string_view::npos) return "the URL must not contain user information";

  if (authority.empty()) return "missing host";
  auto parsed = core::parse_host_port(authority);
  if (!parsed) return "bad host or port '" + std::string(authority) + "': " + parsed.error;
  tls = scheme == "https";
  server.url = std::string(url);
  server.host = parsed.value->host;
  server.port = parsed.value->port.value_or(tls ? 443 : 80);
  return {};
}

std::string parse_upstream_url(std::string_view url, UpstreamConfig& upstream) {
  UpstreamServer server;
  bool tls = false;
  std::string error = parse_server_url(url, server, tls);
  if (!error.empty()) return error;
  upstream.url = server.url;
  upstream.tls = tls;
  upstream.host = server.host;
  upstream.port = server.port;
  return {};
}

}  // namespace certgate::config
