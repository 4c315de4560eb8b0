#pragma once
// The client side of one HTTP/2 exchange: one request on a fresh connection, its response read (the tools'
// client, src/client, drives it over a TLS connection whose ALPN selected "h2"). No sockets here: the bytes to
// send are taken with pending_output(), the server's bytes are handed over with receive().
//
// The session sends the connection preface, SETTINGS (no server push) and the request's HEADERS with
// END_STREAM, then reads frames until the stream is closed. Interim (1xx) heads are passed over. Trailer
// fields are read and dropped.
//
// Stops, with a reason in response().error: a response head larger than max_header_bytes or a body larger than
// max_body_bytes (the stream is cancelled), the stream reset by the server ("stream reset by the server:
// REFUSED_STREAM"), a GOAWAY that leaves the stream unprocessed, anything nghttp2 refuses as a protocol error
// (bytes that are not HTTP/2 frames), and the connection ending before the response did (connection_ended()).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct nghttp2_session;

namespace certgate::h2 {

struct ClientRequest {
  std::string method = "GET";
  std::string scheme = "https";
  std::string authority;  // :authority (the Host an HTTP/1.1 request would send)
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> headers;  // regular fields, lower-case names
};

struct ClientLimits {
  std::uint32_t max_header_bytes = 64 * 1024;  // the final response head: names and values
  std::uint64_t max_body_bytes = 1024 * 1024;  // the body
};

struct ClientResponse {
  bool head_done = false;  // a final response head (:status 200..599) was received
  bool complete = false;   // ... and the stream ended (END_STREAM) with the whole body
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // without pseudo-header fields
  std::string body;   // when !complete, what arrived of it
  std::string error;  // why there is no response, or why it is not complete; "" when complete
  std::uint32_t goaway_error = 0;  // the error code of a GOAWAY the server sent
  bool goaway = false;
};

class ClientSession {
 public:
  // Queues the preface, SETTINGS and the request. Throws std::invalid_argument for a request nghttp2 refuses.
  ClientSession(const ClientRequest& request, const ClientLimits& limits);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // The bytes to send now ("" when there are none).
  std::string pending_output();
  // The server's bytes, as they arrive. Ignored once finished().
  void receive(std::string_view bytes);
  // The connection ended (closed, failed or timed out): `why` is the reason given when the response is not
  // complete ("" = "connection closed").
  void connection_ended(const std::string& why);

  // The exchange is over: the stream closed, or the session cannot go on. A session that nghttp2 ends for a
  // protocol error is over once pending_output() took its GOAWAY: call it after receive().
  bool finished() const { return finished_; }
  // Whether any byte came from the server.
  bool received_any() const { return received_bytes_ > 0; }
  const ClientResponse& response() const { return response_; }
  std::int32_t stream_id() const { return stream_id_; }

  // nghttp2's callbacks (public for the C trampolines in the .cpp; not for callers).
  void on_begin_headers();
  void on_header(std::string_view name, std::string_view value);
  void on_headers_end(bool end_stream);
  void on_data(std::string_view data);
  void on_data_end();
  void on_goaway(std::int32_t last_stream_id, std::uint32_t error_code);
  void on_stream_close(std::uint32_t error_code);
  void on_error(std::string_view message);

 private:
  void stop(const std::string& why);
  void check_session();

  nghttp2_session* session_ = nullptr;
  ClientLimits limits_;
  ClientResponse response_;
  std::int32_t stream_id_ = 0;
  std::size_t received_bytes_ = 0;
  std::size_t head_bytes_ = 0;
  std::string last_error_;  // nghttp2's text for the latest error it reported
  bool in_final_head_ = false;  // the header block being read is the final response head
  bool in_trailers_ = false;
  bool finished_ = false;
};

}  // namespace certgate::h2
