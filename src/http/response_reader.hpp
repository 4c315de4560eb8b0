#pragma once
// An HTTP/1.1 response read with Beast's parser from the bytes a blocking connection hands over piece by piece
// (the tools' client, src/client/https_client). No sockets here: the bytes come from a ByteSource.
//
// Interim (1xx) heads are read and passed over (at most 16, as the gateway does), except 101, which is final.
// A response to HEAD, and a 1xx, 204 or 304, has no body. Otherwise the body ends by Content-Length, with the
// last chunk (chunk extensions and trailer fields are parsed and dropped; the body is the decoded data), or
// when the server closes the connection. Reading stops as soon as the response is complete: a server that
// keeps the connection open does not cost a timeout.
//
// Refused with a reason in `error` (reading stops, nothing more is buffered): anything Beast refuses
// ("malformed response: bad status", conflicting Content-Length and Transfer-Encoding, ...); a head, a
// chunk-size line or a trailer section larger than max_header_bytes; a body larger than max_body_bytes; a
// connection closed before the end of the head or of a body delimited by length or chunks.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace certgate::h1 {

struct ResponseLimits {
  std::uint32_t max_header_bytes = 64 * 1024;  // each head; each chunk-size line; the trailer section
  std::uint64_t max_body_bytes = 1024 * 1024;  // the body, decoded
};

// One piece of the connection's bytes.
struct Received {
  enum class End {
    none,     // `size` bytes (at least one) were written into the buffer
    closed,   // the server ended the stream: the end of a body delimited by close
    stopped,  // no more bytes for another reason (timed out, reset, a TLS error): the connection knows which
  };
  std::size_t size = 0;
  End end = End::none;
};

// Writes up to `capacity` bytes into `buffer`, waiting for at least one, or says why there are none.
using ByteSource = std::function<Received(char* buffer, std::size_t capacity)>;

struct ResponseRead {
  std::size_t bytes_received = 0;  // everything the source gave (0: the server sent nothing at all)
  bool head_done = false;          // the final head was parsed: status, version, fields
  unsigned status = 0;
  unsigned version = 11;           // 10 or 11
  std::vector<std::pair<std::string, std::string>> fields;  // the final head's fields, in order
  std::string body;                // decoded; what arrived of it when the response is not complete
  bool complete = false;           // the whole response, as its framing says
  bool stopped = false;            // the source stopped (Received::End::stopped) before the end
  std::string error;               // why the response is refused or incomplete; "" when complete or stopped
};

ResponseRead read_response(const ByteSource& source, bool head_request, const ResponseLimits& limits = {});

}  // namespace certgate::h1
