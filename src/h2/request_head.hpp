#pragma once
// An HTTP/2 request head, checked by the rules of RFC 9113 8.2-8.3, as the HTTP/1.1 head every request is then
// checked as (h1::check_request) and forwarded from. Only what passes is translated; nothing is repaired:
//   400  a field name that is empty, not a token, or has upper case; a value with NUL, CR or LF, or with leading
//        or trailing space or tab; a pseudo-header after a regular field, twice, unknown, or in trailers; a
//        missing :method, :scheme or :path; :scheme other than https; :path empty, or not starting with '/'
//        (but "*" for OPTIONS); an :authority with userinfo; Host and :authority that differ, or neither;
//        connection-specific fields (Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade), and
//        TE other than "trailers"
//   501  CONNECT (extended CONNECT, RFC 8441, is not offered)
// The head gets Host from :authority, one Cookie joined from its crumbs (RFC 9113 8.2.3), and HTTP/1.1.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/beast/http/message.hpp>

#include "h2/fields.hpp"
#include "http/request_check.hpp"

namespace certgate::h2 {

struct TranslatedRequest {
  std::optional<boost::beast::http::request_header<>> head;
  int status = 400;    // when !head
  std::string reason;  // when !head
};

TranslatedRequest translate_request(const Fields& fields);

// How the body reaches the upstream, written into `head`: none when the client's HEADERS ended the stream; else
// its content-length when it sent one; else the length of the body when all of it has arrived; else chunked.
void set_body_framing(boost::beast::http::request_header<>& head, bool end_stream, bool body_complete,
                      std::uint64_t body_size);

// Request trailers an HTTP/1.1 upstream may receive in a chunked body: the same field checks as a head, without
// pseudo-headers and the names certgate owns or that frame a message. Nullopt when one is malformed (the stream
// is then refused).
std::optional<Fields> forwardable_trailers(const Fields& trailers, const h1::HeaderRules& rules);

}  // namespace certgate::h2
