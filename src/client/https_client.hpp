#pragma once
// A small blocking HTTPS client that presents (or not) a client certificate, as a CDN edge would.
// Used by `certgate demo` and `certgate probe`; reports every stage (TCP, TLS alert, HTTP status).
//
// The TLS connection is tls::TlsClient (src/tls, the only place that touches SSL*); the response is read by
// h1::read_response (src/http, Beast's parser). One request per connection, with `Connection: close`.
// When the request offers ALPN (tls::TlsClientOptions::alpn) and the server selects "h2", the same request is
// sent over HTTP/2 instead (src/h2/client_session: one stream) and its response is reported the same way.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/response_reader.hpp"
#include "tls/tls_client.hpp"

namespace certgate::client {

struct HttpsRequest : tls::TlsClientOptions {
  std::string host_header;  // "" = the SNI, else connect_host, with ":port" unless the port is 443
  std::string method = "GET";
  std::string path = "/";
  std::chrono::milliseconds timeout{5000};  // for all of it: connect, handshake, the request and every read
  h1::ResponseLimits limits;                // the response head and body at most
};

struct HttpsResponse : tls::TlsClientReport {
  bool http_ok = false;        // a complete final response head was received, and Beast accepted it
  bool body_complete = false;  // ... and its whole body, as its framing says
  std::string http_error;      // why there is no response, or why its body is not complete
  bool empty_reply = false;    // connection closed before any HTTP response byte
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;            // decoded; when !body_complete, what arrived of it
  double elapsed_ms = 0;

  std::string header(std::string_view name) const;  // first value, case-insensitive; "" when absent
};

// The request head as sent. Throws std::invalid_argument, before anything is sent, for a method that is not a
// token, a path that is not visible ASCII, or a Host that core::parse_host_port refuses.
std::string request_head(const HttpsRequest& req);

// Throws std::invalid_argument as request_head does, before connecting; every other failure is in the result.
HttpsResponse https_request(const HttpsRequest& req);

}  // namespace certgate::client
