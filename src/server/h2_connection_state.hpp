#pragma once
// What an HTTP/2 connection shares with its streams: the session (frames), the streams whose requests run, the
// decision they are served under, and the signals between the connection's loop (the only reader and writer of
// the socket) and the streams' coroutines (which only talk to the session and wait for its events).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "h2/server_session.hpp"
#include "proxy/upstream.hpp"
#include "server/connection_state.hpp"

namespace certgate::server {

// The connection's decision as a stream sees it from start to end: a reload decides the connection again for the
// streams that start after it, never under a stream that is running.
struct H2Decision {
  std::shared_ptr<const Runtime> rt;
  tls::HandshakeOutcome outcome;
  std::string identity_block;
};

struct H2Stream {
  H2Stream(executor ex, std::int32_t stream_id) : id(stream_id), signal(ex) {}
  std::int32_t id;
  h2::Fields fields;                 // the request head, until translated
  bool oversized = false;            // the head passed max_header_bytes
  bool head_ends_stream = false;     // HEADERS had END_STREAM: no body
  std::string body;                  // request body received and not relayed yet
  std::uint64_t body_received = 0;
  h2::Fields trailers;
  bool ended = false;                // END_STREAM from the client
  bool closed = false;               // the stream is closed (answered, reset, or the connection ended)
  std::uint32_t close_code = 0;
  bool woken = false;
  bool stalled = false;              // reset by certgate: the client took no response body for body_timeout
  steady_timer signal;               // cancelled by wake()
  proxy::UpstreamConnection* upstream = nullptr;  // the exchange's connection while it runs
  void wake() {
    woken = true;
    signal.cancel();
  }
};

class H2Connection final : public h2::ServerSession::Events {
 public:
  explicit H2Connection(ConnectionState& cs);

  ConnectionState& cs;  // the connection's own (its socket, the current runtime and decision)
  std::shared_ptr<H2Decision> decision;
  h2::ServerSession session;
  std::unordered_map<std::int32_t, std::unique_ptr<H2Stream>> streams;
  std::vector<std::int32_t> starting;  // requests whose coroutine has not started
  std::vector<std::pair<std::int32_t, std::size_t>> dropped;  // body bytes of streams no one reads: to consume
  steady_timer wake_timer;
  bool wake_pending = false;
  std::size_t live = 0;  // stream coroutines running

  // Something for the loop to send (a stream wrote to the session).
  void wake() {
    wake_pending = true;
    wake_timer.cancel();
  }
  // Takes the decision the connection has now, for the streams that start next.
  void adopt_decision();
  // Waits for an event of `st` (data, end, close) or `timeout`; false on timeout.
  awaitable<bool> wait(H2Stream& st, std::chrono::milliseconds timeout);
  // Waits until at most `limit` bytes of the response body of `st` are queued. A client that takes none of it
  // for `timeout` (a flow-control window held shut) has the stream reset: false, with `st.stalled`; false too
  // when the stream closed with body still queued.
  awaitable<bool> drain(H2Stream& st, std::size_t limit, std::chrono::milliseconds timeout);
  // The stream's coroutine ended.
  void finished(std::int32_t id);

  void on_request(std::int32_t id, h2::Fields&& fields, bool oversized, bool end_stream) override;
  void on_data(std::int32_t id, const std::uint8_t* data, std::size_t size) override;
  void on_trailers(std::int32_t id, h2::Fields&& fields) override;
  void on_end_stream(std::int32_t id) override;
  void on_close(std::int32_t id, std::uint32_t error_code, bool head_incomplete) override;
  void on_body_sent(std::int32_t id) override;

 private:
  H2Stream* find(std::int32_t id);
};

h2::SessionLimits session_limits(const config::Limits& limits);

// Why a stream was reset, for the log.
std::string reset_reason(std::uint32_t error_code);

}  // namespace certgate::server
