#pragma once
// The id of one request, logged (request_id=) and sent upstream ([headers] request_id, X-Request-Id).
//
// Taken from the request only when the connection is the verified edge (a client certificate that verified and
// was admitted), from the one field named by [headers] request_id_from, and only when core::acceptable_request_id()
// holds; otherwise generated. A generated id is 32 lower-case hex digits (128 bits) from a per-thread
// xoshiro256** generator seeded with 256 bits from getrandom(2): no lock, no system call per id, and ids from
// different workers and processes do not collide in practice. It is a correlation id, not a secret: nothing
// is authorised by it, a client can never set it (the inbound field is stripped), so an observer who could
// predict the next id gains nothing.
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>

namespace certgate::http_id {

std::string generate_request_id();

// `from` "" never takes one. A field present more than once is not taken.
std::string request_id_for(const boost::beast::http::request_header<>& head, std::string_view from, bool verified_edge);

}  // namespace certgate::http_id
