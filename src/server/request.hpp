#pragma once
// One request through the phases of the request path (docs/request-path.md):
//   read head (read_head) -> validate and normalise (h1::check_request) -> route (misdirected) ->
//   decide (the connection's decision, refreshed) -> render and relay (forward_request) -> log (write_log).
// Each phase is a function with one job; this file only puts them in order.
#include "server/connection_state.hpp"
#include "server/read_head.hpp"

namespace certgate::server {

// Serves the request whose head `parser` holds. Returns whether the connection may serve another.
awaitable<bool> serve_request(ConnectionState& cs, RequestParser& parser);

}  // namespace certgate::server
