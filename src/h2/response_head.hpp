#pragma once
// The HTTP/2 response heads certgate sends: an upstream's HTTP/1.1 head as the client receives it (the same fields
// an HTTP/1.1 client gets, h1::end_to_end_fields, with lower-case names; Server, Via and Date as there; the
// length when the upstream declared one, no framing fields otherwise), and the heads of certgate's own answers.
#include <cstddef>

#include <boost/beast/http/message.hpp>

#include "h2/server_session.hpp"
#include "http/client_response.hpp"

namespace certgate::h2 {

Fields response_fields(const boost::beast::http::response_header<>& head, const h1::CheckedResponse& res);

// A response certgate makes itself: text/plain, `body_size` bytes, Date, Server, no caching.
Fields own_response_fields(std::size_t body_size);

}  // namespace certgate::h2
