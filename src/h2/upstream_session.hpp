#pragma once
// The client side of one HTTP/2 stream to an upstream that speaks HTTP/2 (gRPC): one request, streamed both ways,
// trailers included. Bytes in and out as ServerSession; the request body and its trailers are appended as they
// come from the client's stream, the response arrives through Events. nghttp2 acknowledges the response's DATA as
// it reads it; backpressure toward the upstream is certgate not reading its socket while the client's stream has
// enough queued.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "h2/body_source.hpp"
#include "h2/fields.hpp"

struct nghttp2_session;

namespace certgate::h2 {

class UpstreamSession {
 public:
  struct Events {
    virtual ~Events() = default;
    // The final response head (interim 1xx heads are passed over): :status, then the fields (lower-case names).
    virtual void on_response(int status, Fields&& fields) = 0;
    virtual void on_response_data(const std::uint8_t* data, std::size_t size) = 0;
    virtual void on_response_trailers(Fields&& fields) = 0;
  };

  // `fields`: the request head, pseudo-headers first. `has_body`: append_body()/end_body() follow.
  UpstreamSession(const Fields& fields, bool has_body, std::uint32_t max_header_list, Events& events);
  ~UpstreamSession();
  UpstreamSession(const UpstreamSession&) = delete;
  UpstreamSession& operator=(const UpstreamSession&) = delete;

  // Bytes from the upstream. False when the session cannot go on (error() says why).
  bool feed(const std::uint8_t* data, std::size_t size);
  void take_output(std::string& out);
  bool want_write() const;
  void append_body(std::string_view bytes);
  void end_body(const Fields& trailers);
  std::size_t queued_body() const { return body_.queued(); }
  // Cancels the stream (the client's went away).
  void cancel();

  // The stream is over: closed (`complete()` when it ended normally with END_STREAM), reset, or failed.
  bool finished() const { return finished_; }
  bool complete() const { return complete_; }
  bool head_received() const { return status_ != 0; }
  const std::string& error() const { return error_; }

  struct Callbacks;

 private:
  Events& events_;
  nghttp2_session* session_ = nullptr;
  std::int32_t stream_id_ = -1;
  std::uint32_t max_header_list_;
  BodySource body_;
  // The header block being read.
  int block_status_ = 0;
  Fields block_;
  std::size_t block_bytes_ = 0;
  bool in_trailers_ = false;
  int status_ = 0;
  bool finished_ = false;
  bool complete_ = false;
  std::string error_;
};

}  // namespace certgate::h2
