#pragma once
// The pieces both rendered heads are made of (the upstream request, the client's response): fields appended as
// bytes, and which of the other side's fields are never copied across.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/fields.hpp>

#include "http/field_lists.hpp"

namespace certgate::h1 {

void append_field(std::string& out, std::string_view name, std::string_view value);
void append_number(std::string& out, std::uint64_t n);

// Hop-by-hop fields (RFC 9110 7.6.1: Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade,
// HTTP2-Settings), the framing fields (Content-Length, Transfer-Encoding) and Via: certgate renders each of them
// itself, from what it parsed, for the next hop.
bool is_hop_scoped(boost::beast::http::field f);

// The names the Connection fields list (hop-by-hop too), as views into `fields`.
FieldViews connection_options(const boost::beast::http::fields& fields);
bool listed_in(const FieldViews& listed, std::string_view name);

}  // namespace certgate::h1
