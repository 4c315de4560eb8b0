#pragma once
// An HTTP/2 connection (ALPN "h2"): its loop is the only reader and writer of the socket. It feeds what the client
// sends to the session, starts a coroutine per stream (h2_request.hpp) once the head is complete, writes what the
// session has to send, and waits for either the client or a stream. It ends with GOAWAY when the worker drains,
// when max_requests_per_connection or max_connection_age is reached (after the streams open), after idle_timeout
// with no stream open (header_timeout before the first), or when the client breaks the protocol or floods it; the
// streams still running are then ended and waited for.
#include "server/connection_state.hpp"
#include "server/worker.hpp"

namespace certgate::server {

// True when certgate ended the connection (GOAWAY for a protocol error or a flood) while the client may still be
// sending: the close then lingers, so that the client reads the GOAWAY rather than a reset.
awaitable<bool> serve_h2(ConnectionState& cs, ConnectionSlot& slot);

}  // namespace certgate::server
