#pragma once
// Phase "relay" for an HTTP/2 stream whose upstream speaks HTTP/2 (`protocol = "h2"`: gRPC): the stream goes on
// as a stream, both bodies and both trailers streamed, on a connection of its own (h2c on loopback, or TLS that
// must select "h2"). The request head is the one certgate renders for an HTTP/1.1 upstream (the identity, the
// forwarding fields, nothing reserved from the client), as HTTP/2 fields; the response head and trailers come
// back as nghttp2 checked them, with Server and Via as for any response.
#include <boost/beast/http/message.hpp>

#include "http/access_log.hpp"
#include "http/request_check.hpp"
#include "server/client_address.hpp"
#include "server/h2_connection_state.hpp"
#include "server/upstream_attempt.hpp"

namespace certgate::server {

awaitable<AttemptResult> exchange_with_h2_upstream(H2Connection& conn, H2Stream& st, ConnectionState& scs,
                                                   const boost::beast::http::request_header<>& head,
                                                   const h1::CheckedRequest& req, const ClientAddress& client,
                                                   http_log::AccessRecord& rec, proxy::UpstreamConnection& up_conn,
                                                   const Chosen& to);

}  // namespace certgate::server
