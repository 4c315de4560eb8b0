#pragma once
// Phase "route": the host block serving the request's authority (chosen by check_request: the absolute-form
// target's, else Host's) must be the block whose policy decided the connection, the SNI's. Any other block
// never judged this certificate: 421 Misdirected Request (RFC 9110 15.5.20), as for HTTP/2 connection reuse.
#include <optional>
#include <string>

#include "http/request_check.hpp"
#include "server/connection_state.hpp"

namespace certgate::server {

// The reason for a 421, or nothing when the request belongs to the connection's block.
std::optional<std::string> misdirected(const ConnectionState& cs, const h1::CheckedRequest& req);

}  // namespace certgate::server
