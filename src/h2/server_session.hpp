#pragma once
// The server side of one HTTP/2 connection, as bytes in and bytes out: nghttp2 reads the frames, keeps the HPACK
// tables, the stream states and the flow-control windows; certgate keeps the socket, and each stream's request
// is handed out as header fields and body bytes through Events. No sockets here, no clocks but the one passed in.
//
// What a client cannot do to the connection (docs/security.md, "HTTP/2"):
// - send more than max_concurrent_streams streams at once (SETTINGS_MAX_CONCURRENT_STREAMS; nghttp2 refuses the
//   rest), or more request body than the windows allow before certgate relayed it (consume());
// - send a header list over max_header_list bytes (the stream is answered 431; at twice that it is reset), or more
//   than max_continuations CONTINUATION frames after one HEADERS (GOAWAY ENHANCE_YOUR_CALM: the 2024 CONTINUATION
//   floods);
// - reset streams faster than the reset bucket allows (GOAWAY ENHANCE_YOUR_CALM: rapid reset, CVE-2023-44487), or
//   send SETTINGS, PING, PRIORITY and empty DATA frames faster than the control bucket allows (GOAWAY
//   ENHANCE_YOUR_CALM).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "h2/body_source.hpp"
#include "h2/fields.hpp"

struct nghttp2_session;

namespace certgate::h2 {

struct SessionLimits {
  std::uint32_t max_concurrent_streams = 128;
  std::uint32_t header_table_size = 4096;
  std::uint32_t stream_window = 256 * 1024;
  std::uint32_t connection_window = 1024 * 1024;
  std::uint32_t max_header_list = 16 * 1024;
  std::uint32_t max_continuations = 8;
  std::uint32_t reset_burst = 200;
  std::uint32_t reset_rate = 50;
  std::uint32_t control_burst = 100;
  std::uint32_t control_rate = 10;
};

// A token bucket: `burst` tokens, refilled at `rate` per second.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(std::uint32_t burst, std::uint32_t rate) : burst_(burst), rate_(rate), tokens_(burst) {}
  // Takes one token; false when there is none.
  bool take(Clock::time_point now);

 private:
  double burst_;
  double rate_;
  double tokens_;
  Clock::time_point last_{};
};

class ServerSession {
 public:
  // Called from inside feed() and take_output() (a stream closes when its last frame is sent).
  struct Events {
    virtual ~Events() = default;
    // A stream's request head. `oversized`: its header list passed max_header_list (the fields kept are partial);
    // `end_stream`: no body follows.
    virtual void on_request(std::int32_t id, Fields&& fields, bool oversized, bool end_stream) = 0;
    virtual void on_data(std::int32_t id, const std::uint8_t* data, std::size_t size) = 0;
    virtual void on_trailers(std::int32_t id, Fields&& fields) = 0;
    // The client sent END_STREAM (after the head, the data or the trailers).
    virtual void on_end_stream(std::int32_t id) = 0;
    // The stream is closed: answered completely, reset by either side, or the connection ends. `error_code` is
    // the HTTP/2 error code (0 = NO_ERROR). `head_incomplete`: it closed before its head was handed out (nghttp2
    // refused a malformed head, RFC 9113 8.2, or the client reset it).
    virtual void on_close(std::int32_t id, std::uint32_t error_code, bool head_incomplete) = 0;
    // Response body of the stream went out in a DATA frame (queued_body() is smaller).
    virtual void on_body_sent(std::int32_t id) = 0;
  };

  ServerSession(const SessionLimits& limits, Events& events);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Bytes from the client. False when the connection is broken (a protocol error, a flood): the output then holds
  // the GOAWAY, and nothing more is read.
  bool feed(const std::uint8_t* data, std::size_t size);
  // Frames to send, appended to `out`.
  void take_output(std::string& out);
  bool want_read() const;
  bool want_write() const;
  // Why the connection was ended by certgate ("" when it was not): for the log.
  const std::string& failure() const { return failure_; }

  // The response head of stream `id`; `has_body`: append_body()/end_body() follow. Fields have lower-case names.
  bool submit_response(std::int32_t id, int status, const Fields& fields, bool has_body);
  // An interim response (100 Continue).
  void submit_interim(std::int32_t id, int status);
  void append_body(std::int32_t id, std::string_view bytes);
  // The end of the body, with trailers (possibly none).
  void end_body(std::int32_t id, const Fields& trailers = {});
  // Body bytes of `id` queued and not yet sent (the client's window may hold them back).
  std::size_t queued_body(std::int32_t id) const;
  // Once the response is complete, reset the stream with NO_ERROR if the client is still sending (RFC 9113 8.1).
  void reset_after_response(std::int32_t id);
  void reset(std::int32_t id, std::uint32_t error_code);
  // `size` request body bytes of `id` were relayed: the client may send as many again.
  void consume(std::int32_t id, std::size_t size);
  // GOAWAY with the last stream taken: streams already open finish, no new one is accepted.
  void stop_accepting(std::uint32_t error_code = 0);
  // GOAWAY and nothing more: `why` goes to failure().
  void terminate(std::uint32_t error_code, std::string why);
  std::int32_t last_stream_id() const;
  // The connection's receive window is used up by request body not consumed yet: no stream gets more until
  // some is relayed.
  bool receive_window_full() const;

  // nghttp2 callbacks (internal).
  struct Callbacks;

 private:
  struct Incoming {
    Fields fields;
    std::size_t bytes = 0;
    bool oversized = false;
    bool trailers = false;
  };
  struct Outgoing {
    BodySource body;
    bool reset_after = false;
  };

  SessionLimits limits_;
  Events& events_;
  nghttp2_session* session_ = nullptr;
  std::unordered_map<std::int32_t, Incoming> incoming_;
  std::unordered_map<std::int32_t, Outgoing> outgoing_;
  std::uint32_t continuations_ = 0;  // CONTINUATION frames since the last HEADERS
  TokenBucket resets_;
  TokenBucket control_;
  std::string failure_;
  bool broken_ = false;
};

}  // namespace certgate::h2
