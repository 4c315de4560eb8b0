#pragma once
// The HTTP/2 response heads certgate sends: an upstream's HTTP/1.1 head as the client receives it (the same fields
// an HTTP/1.1 client gets, h1::end_to_end_fields, with lower-case names; Server, Via and Date as there; the
// length when the upstream declared one, no framing fields otherwise), and the heads of certgate's own answers.
#include <cstddef>

#include <boost/beast/http/message.hpp>

#include "h2/fields.hpp"
#include "http/client_response.hpp"

namespace certgate::h2 {

Fields response_fields(const boost::beast::http::response_header<>& head, const h1::CheckedResponse& res);

// An HTTP/2 upstream's response head (nghttp2 checked it by RFC 9113) as the client receives it: its fields but
// Server, which becomes certgate's, Via with this hop added, and Date when it sent none.
Fields relayed_response_fields(Fields upstream);

// The request head an HTTP/2 upstream receives, from the HTTP/1.1 head certgate rendered for the request
// (h1::render_upstream_request: the identity, the forwarding fields, nothing reserved from the client): the
// pseudo-headers, lower-case names, no Host (it is :authority), no connection-specific field, TE only "trailers"
// when the client asked for trailers; `length` kept for a body of known length.
Fields upstream_request_fields(const boost::beast::http::request_header<>& rendered, std::string_view scheme,
                               bool client_te_trailers);

// A response certgate makes itself: text/plain, `body_size` bytes, Date, Server, no caching.
Fields own_response_fields(std::size_t body_size);

}  // namespace certgate::h2
