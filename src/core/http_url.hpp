#pragma once
// A plain "http://host[:port][/path]" URL: what an OCSP responder is reached at (RFC 6960 Appendix A.1, HTTP
// only: a responder's answers are signed, and TLS to it would need revocation checking of its own). The
// authority goes through parse_host_port like every other authority certgate reads.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certgate::core {

struct HttpUrl {
  std::string host;        // as written, IPv6 without brackets
  std::uint16_t port = 80;
  std::string authority;   // for the Host field: "host", "host:port", "[v6]:port"
  std::string path = "/";  // the path and query as written; "/" when the URL has none
};

struct HttpUrlResult {
  std::optional<HttpUrl> value;
  std::string error;  // why not, when !value
  explicit operator bool() const { return value.has_value(); }
};

// Refused: another scheme (https included), user information, a fragment, a bad host or port, a control
// character or a space anywhere.
HttpUrlResult parse_http_url(std::string_view url);

}  // namespace certgate::core
