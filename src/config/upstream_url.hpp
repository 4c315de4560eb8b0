#pragma once
// The upstream URL: "http://host[:port]" or "https://host[:port]", optionally with a trailing "/".
#include <string>
#include <string_view>

#include "config/gateway_config.hpp"

namespace certgate::config {

// Fills url, host (IPv6 without brackets) and port (default 80/443) of `server`, and `tls` from the scheme.
// Returns "" on success, otherwise what is wrong with the URL.
std::string parse_server_url(std::string_view url, UpstreamServer& server, bool& tls);

// The same, into url, tls, host and port of `upstream` (its first server).
std::string parse_upstream_url(std::string_view url, UpstreamConfig& upstream);

}  // namespace certgate::config
