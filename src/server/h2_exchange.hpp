#pragma once
// Phases "render" and "relay" for an HTTP/2 stream whose upstream speaks HTTP/1.1: the upstream head rendered from
// the checked request (h1::render_upstream_request, as for HTTP/1.1), the body the stream holds and the rest as it
// comes (acknowledged to the client only once relayed), the upstream's response checked (h1::check_response) and
// sent on the stream, its body as far as the client's windows take it. A client that does not read for
// body_timeout has its stream reset (a zero-window stall holds nothing longer); a stream the client resets
// cancels the upstream exchange.
#include <boost/beast/http/message.hpp>

#include "http/access_log.hpp"
#include "http/request_check.hpp"
#include "server/client_address.hpp"
#include "server/h2_connection_state.hpp"

namespace certgate::server {

awaitable<void> forward_h2_stream(H2Connection& conn, H2Stream& st, ConnectionState& scs,
                                  const boost::beast::http::request_header<>& head, const h1::CheckedRequest& req,
                                  const ClientAddress& client, http_log::AccessRecord& rec);

}  // namespace certgate::server
