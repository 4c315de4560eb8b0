#include "core/http_url.hpp"

#include "core/ascii.hpp"
#include "core/host_port.hpp"

namespace certgate::core {

HttpUrlResult parse_http_url(std::string_view url) {
  HttpUrlResult out;
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F) {
      out.error = "a URL cannot contain spaces or control characters";
      return out;
    }
  }
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    out.error = "expected http://host[:port][/path]";
    return out;
  }
  const std::string scheme = ascii::lower_copy(url.substr(0, scheme_end));
  if (scheme != "http") {
    out.error = "unsupported scheme '" + scheme + "' (OCSP responders are asked over http://)";
    return out;
  }
  const std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    out.error = "the URL must not contain user information";
    return out;
  }
  if (tail.find('#') != std::string_view::npos) {
    out.error = "the URL must not have a fragment";
    return out;
  }
  if (authority.empty()) {
    out.error = "missing host";
    return out;
  }
  auto parsed = parse_host_port(authority);
  if (!parsed) {
    out.error = "bad host or port '" + std::string(authority) + "': " + parsed.error;
    return out;
  }
  HttpUrl u;
  u.host = parsed.value->host;
  u.port = parsed.value->port.value_or(80);
  u.authority = parsed.value->authority();
  if (!tail.empty()) u.path = tail.front() == '?' ? "/" + std::string(tail) : std::string(tail);
  out.value = std::move(u);
  return out;
}

}  // namespace certgate::core
