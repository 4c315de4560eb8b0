#pragma once
// Phase "read head" of the request path: the next request head, parsed by Beast, within header_timeout and
// max_header_bytes. A head that cannot be read is answered here (408, 413, 431, 400; nothing to a client that
// just closed) and logged.
#include "server/connection_state.hpp"

namespace certgate::server {

using RequestParser = http::request_parser<http::buffer_body>;

// True when `parser` holds a complete head to serve; false when the connection is to close.
awaitable<bool> read_request_head(ConnectionState& cs, RequestParser& parser);

}  // namespace certgate::server
