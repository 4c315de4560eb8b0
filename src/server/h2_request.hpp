#pragma once
// One HTTP/2 stream through the phases of the request path (docs/request-path.md), as an HTTP/1.1 request goes:
//   translate the head (h2::translate_request: RFC 9113 8.2-8.3) -> validate and normalise (h1::check_request, the
//   same checks) -> route (misdirected: 421) -> decide (the connection's decision) -> hold the body until it is
//   complete or fills the stream's window -> render and relay (forward_h2_stream) -> log (write_log, proto=h2 and
//   the stream id).
// Refusals are answered on the stream with the same status and body as over HTTP/1.1; the connection serves on.
#include "http/access_log.hpp"
#include "server/h2_connection_state.hpp"

namespace certgate::server {

// The coroutine of stream `st` of `conn`, which keeps both alive until it returns.
awaitable<void> serve_h2_stream(H2Connection* conn, H2Stream* st);

// certgate's own answer on a stream: status, the refusal body, and the access record's fields.
void h2_respond_own(H2Connection& conn, H2Stream& st, const ConnectionState& scs, int status, int substatus,
                    std::string reason, http_log::AccessRecord& rec);

}  // namespace certgate::server
