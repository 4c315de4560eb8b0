#include "config/upstream_url.hpp"

#include <charconv>

#include "core/ascii.hpp"

namespace certgate::config {

std::string parse_upstream_url(std::string_view url, UpstreamConfig& upstream) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "expected http://host:port or https://host:port";
  std::string scheme = core::ascii::lower_copy(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return "unsupported scheme '" + scheme + "' (expected http or https)";
  }
  bool tls = scheme == "https";
  std::string_view rest = url.substr(scheme_end + 3);
  std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (!tail.empty() && tail != "/") {
    return "the URL must not have a path, query or fragment ('" + std::string(tail) +
           "'); requests keep their own path";
  }
  if (authority.find('@') != std::string_view::npos) return "the URL must not contain user information";

  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address";
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "unexpected text after the IPv6 address";
      port = after.substr(1);
      has_port = true;
    }
    if (host.find(':') == std::string_view::npos) return "bad IPv6 address '" + std::string(host) + "'";
  } else {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (host.empty()) return "missing host";
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
              c == ':' || c == '_';
    if (!ok) return "bad character in host '" + std::string(host) + "'";
  }
  unsigned number = tls ? 443 : 80;
  if (has_port) {
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || number < 1 || number > 65535) {
      return "bad port '" + std::string(port) + "' (1..65535)";
    }
  }
  upstream.url = std::string(url);
  upstream.tls = tls;
  upstream.host = std::string(host);
  upstream.port = static_cast<std::uint16_t>(number);
  return {};
}

}  // namespace certgate::config
