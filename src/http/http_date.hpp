#pragma once
// The Date header value (RFC 9110 5.6.7, IMF-fixdate) of now, formatted once per second per thread.
#include <string_view>

namespace certgate::h1 {

// "Tue, 01 Dec 2026 20:02:33 GMT"; valid until the calling thread asks again.
std::string_view http_date_now();

}  // namespace certgate::h1
