#include "loadgen/h2_worker.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <nghttp2/nghttp2.h>
#include <openssl/err.h>

#include "loadgen/client_tls.hpp"

namespace certgate::bench {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr auto kRetryDelay = milliseconds(20);
constexpr auto kTimeoutScan = milliseconds(100);
constexpr std::size_t kWriteChunk = 64 * 1024;  // bytes taken from nghttp2 per SSL_write
constexpr int32_t kStreamWindow = 1 << 20;      // per stream: a 64 KiB body never waits for WINDOW_UPDATE
constexpr int32_t kConnectionWindow = 1 << 24;

enum class State { closed, handshaking, open, waiting_retry, given_up };

struct Stream {
  Clock::time_point start{};
  int status = 0;
  std::uint64_t body_bytes = 0;
};

class H2Worker;

struct H2Conn {
  H2Worker* worker = nullptr;
  int fd = -1;
  SSL* ssl = nullptr;
  nghttp2_session* session = nullptr;
  State state = State::closed;
  bool goaway = false;  // the server said it takes no new streams: finish these, then reconnect
  int32_t goaway_last_stream = 0;  // streams above it were never processed (RFC 9113 §6.8): not lost
  std::unordered_map<int32_t, Stream> streams;
  std::string out;  // bytes from nghttp2 not yet taken by SSL_write
  std::size_t out_pos = 0;
  Clock::time_point last_progress{};
  Clock::time_point retry_at{};
};

nghttp2_nv header(const char* name, const std::string& value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name)),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), std::strlen(name), value.size(),
          NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE};
}

class H2Worker {
 public:
  H2Worker(const Options& options, RunClock& clock, SSL_CTX* ctx, int connections)
      : options_(options), clock_(clock), ctx_(ctx), conns_(static_cast<std::size_t>(connections)),
        buffer_(64 * 1024) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    nghttp2_session_callbacks_new(&callbacks_);
    nghttp2_session_callbacks_set_on_header_callback(callbacks_, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks_, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks_, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks_, on_frame);
    for (H2Conn& c : conns_) c.worker = this;
  }

  ~H2Worker() {
    for (H2Conn& c : conns_) close(c);
    nghttp2_session_callbacks_del(callbacks_);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
  }

  H2Worker(const H2Worker&) = delete;
  H2Worker& operator=(const H2Worker&) = delete;

  Stats run();

 private:
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t namelen,
                       const uint8_t* value, size_t valuelen, uint8_t, void* user_data);
  static int on_data(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t*, size_t len, void* user_data);
  static int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* user_data);
  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user_data);

  bool running() const { return Clock::now() < clock_.measure_until; }
  void open(H2Conn& c);
  void close(H2Conn& c);
  void fail(H2Conn& c, const std::string& kind, bool retry = true);
  void fail_io(H2Conn& c, int ret, const char* during);
  void on_handshake(H2Conn& c);
  void submit(H2Conn& c);
  void stream_closed(H2Conn& c, int32_t stream_id, uint32_t error_code);
  void drive(H2Conn& c);
  bool flush(H2Conn& c);
  void on_end_of_connection(H2Conn& c);
  static std::size_t accepted_in_flight(const H2Conn& c);
  void retry_due(Clock::time_point now);
  void check_timeouts(Clock::time_point now);
  void record_tls_info(SSL* ssl);

  const Options& options_;
  RunClock& clock_;
  SSL_CTX* ctx_;
  int epoll_fd_ = -1;
  nghttp2_session_callbacks* callbacks_ = nullptr;
  std::vector<H2Conn> conns_;  // never resized: epoll and the sessions hold pointers into it
  std::vector<char> buffer_;
  Stats stats_;
};

int H2Worker::on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t namelen,
                        const uint8_t* value, size_t valuelen, uint8_t, void* user_data) {
  auto& c = *static_cast<H2Conn*>(user_data);
  if (frame->hd.type != NGHTTP2_HEADERS || namelen != 7 || std::memcmp(name, ":status", 7) != 0) return 0;
  const auto it = c.streams.find(frame->hd.stream_id);
  if (it == c.streams.end()) return 0;
  int status = 0;
  for (size_t i = 0; i < valuelen && i < 3; ++i) status = status * 10 + (value[i] - '0');
  it->second.status = status;  // a 1xx is replaced by the final status
  return 0;
}

int H2Worker::on_data(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t*, size_t len, void* user_data) {
  auto& c = *static_cast<H2Conn*>(user_data);
  const auto it = c.streams.find(stream_id);
  if (it != c.streams.end()) it->second.body_bytes += len;
  return 0;
}

int H2Worker::on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* user_data) {
  auto& c = *static_cast<H2Conn*>(user_data);
  c.worker->stream_closed(c, stream_id, error_code);
  return 0;
}

int H2Worker::on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  if (frame->hd.type == NGHTTP2_GOAWAY) {
    auto& c = *static_cast<H2Conn*>(user_data);
    c.goaway = true;
    c.goaway_last_stream = frame->goaway.last_stream_id;
  }
  return 0;
}

void H2Worker::record_tls_info(SSL* ssl) {
  std::lock_guard<std::mutex> lock(clock_.info_mutex);
  if (clock_.info_set.load()) return;
  clock_.info.tls_version = SSL_get_version(ssl);
  clock_.info.cipher = SSL_get_cipher_name(ssl);
  const int group = SSL_get_negotiated_group(ssl);
  const char* name = group != 0 ? SSL_group_to_name(ssl, group) : nullptr;
  clock_.info.group = name != nullptr ? name : "";
  const unsigned char* proto = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl, &proto, &len);
  clock_.info.alpn.assign(reinterpret_cast<const char*>(proto), proto != nullptr ? len : 0);
  clock_.info_set.store(true);
}

void H2Worker::open(H2Conn& c) {
  c.last_progress = Clock::now();
  c.goaway = false;
  c.streams.clear();
  c.out.clear();
  c.out_pos = 0;
  std::string error;
  if (!open_client_connection(options_, ctx_, clock_.cert_pool, c.fd, c.ssl, error)) {
    fail(c, error);
    return;
  }
  // nghttp2's output is written in pieces; a piece may be taken in part.
  SSL_set_mode(c.ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = &c;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
    fail(c, std::string("epoll_ctl: ") + std::strerror(errno));
    return;
  }
  c.state = State::handshaking;
}

void H2Worker::close(H2Conn& c) {
  if (c.session != nullptr) {
    nghttp2_session_del(c.session);  // calls no stream-close callbacks
    c.session = nullptr;
  }
  if (c.ssl != nullptr) {
    SSL_free(c.ssl);
    c.ssl = nullptr;
  }
  if (c.fd >= 0) {
    ::close(c.fd);
    c.fd = -1;
  }
  c.streams.clear();
  c.state = State::closed;
}

void H2Worker::fail(H2Conn& c, const std::string& kind, bool retry) {
  stats_.error(kind);
  ERR_clear_error();
  close(c);
  if (!retry) {
    c.state = State::given_up;
    return;
  }
  c.state = State::waiting_retry;
  c.retry_at = Clock::now() + kRetryDelay;
}

void H2Worker::fail_io(H2Conn& c, int ret, const char* during) {
  const int saved_errno = errno;
  const int err = SSL_get_error(c.ssl, ret);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
  std::string why = std::string(during) + ": ";
  if (err == SSL_ERROR_SYSCALL) {
    why += saved_errno != 0 ? std::strerror(saved_errno) : "connection closed by the server";
  } else if (err == SSL_ERROR_ZERO_RETURN) {
    why += "connection closed by the server (close_notify)";
  } else if (err == SSL_ERROR_SSL) {
    why += openssl_errors();
  } else {
    why += "SSL error " + std::to_string(err);
  }
  fail(c, why);
}

void H2Worker::on_handshake(H2Conn& c) {
  const Clock::time_point now = Clock::now();
  c.last_progress = now;
  if (now >= clock_.measure_from && now <= clock_.measure_until) {
    if (SSL_session_reused(c.ssl) == 1) ++stats_.handshakes_resumed;
    else ++stats_.handshakes_full;
  }
  if (!clock_.info_set.load(std::memory_order_relaxed)) record_tls_info(c.ssl);
  const unsigned char* proto = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(c.ssl, &proto, &len);
  if (proto == nullptr || len != 2 || std::memcmp(proto, "h2", 2) != 0) {
    // The server speaks no HTTP/2 (or not on this listener): say so once per connection, never retry.
    ++stats_.h2_not_negotiated;
    const std::string selected = proto != nullptr && len > 0 ? std::string(reinterpret_cast<const char*>(proto), len)
                                                              : "none";
    fail(c, "h2 not negotiated (ALPN selected: " + selected + ")", false);
    return;
  }
  if (nghttp2_session_client_new(&c.session, callbacks_, &c) != 0) {
    fail(c, "nghttp2_session_client_new failed", false);
    return;
  }
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                             {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kStreamWindow}};
  nghttp2_submit_settings(c.session, NGHTTP2_FLAG_NONE, settings, sizeof settings / sizeof settings[0]);
  nghttp2_session_set_local_window_size(c.session, NGHTTP2_FLAG_NONE, 0, kConnectionWindow);
  c.state = State::open;
  // Beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS nghttp2 holds the extra streams back until one ends.
  for (int i = 0; i < options_.streams && c.state == State::open; ++i) submit(c);
}

void H2Worker::submit(H2Conn& c) {
  static const std::string kGet = "GET";
  static const std::string kHttps = "https";
  static const std::string kAgent = "certgate-loadgen";
  const nghttp2_nv headers[] = {header(":method", kGet), header(":scheme", kHttps),
                                header(":authority", options_.host), header(":path", options_.path),
                                header("user-agent", kAgent)};
  const int32_t id =
      nghttp2_submit_request(c.session, nullptr, headers, sizeof headers / sizeof headers[0], nullptr, nullptr);
  if (id < 0) {
    // Counted, not acted on: this may run inside nghttp2's callbacks, where the session must stay.
    stats_.error(std::string("nghttp2_submit_request: ") + nghttp2_strerror(id));
    return;
  }
  c.streams[id].start = Clock::now();
}

void H2Worker::stream_closed(H2Conn& c, int32_t stream_id, uint32_t error_code) {
  const auto it = c.streams.find(stream_id);
  if (it == c.streams.end()) return;
  const Stream s = it->second;
  c.streams.erase(it);
  const Clock::time_point now = Clock::now();
  c.last_progress = now;
  if (error_code == NGHTTP2_REFUSED_STREAM && c.goaway) {
    // Past the last stream of the server's GOAWAY: never processed, sent again on the next connection.
  } else if (error_code != NGHTTP2_NO_ERROR) {
    stats_.error(std::string("stream reset: ") + nghttp2_http2_strerror(error_code));
  } else if (s.status == 0) {
    stats_.error("stream ended without a response");
  } else {
    ++stats_.requests_total;
    ++stats_.statuses[s.status];
    if (s.status != 200) ++stats_.non_200;
    if (s.start >= clock_.measure_from && now <= clock_.measure_until) {
      ++stats_.requests;
      stats_.bytes_received += s.body_bytes;
      stats_.latency_us.push_back(static_cast<std::uint32_t>(duration_cast<microseconds>(now - s.start).count()));
    }
  }
  // Closed loop: the stream that ended is replaced at once (submitting from a callback is allowed).
  if (!c.goaway && running()) submit(c);
}

bool H2Worker::flush(H2Conn& c) {
  for (;;) {
    if (c.out_pos == c.out.size()) {
      c.out.clear();
      c.out_pos = 0;
      while (c.out.size() < kWriteChunk) {
        const uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(c.session, &data);
        if (n < 0) {
          fail(c, std::string("HTTP/2 (sending): ") + nghttp2_strerror(static_cast<int>(n)));
          return false;
        }
        if (n == 0) break;
        c.out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
      }
      if (c.out.empty()) return true;
    }
    ERR_clear_error();
    errno = 0;
    const int r = SSL_write(c.ssl, c.out.data() + c.out_pos, static_cast<int>(c.out.size() - c.out_pos));
    if (r > 0) {
      c.out_pos += static_cast<std::size_t>(r);
      continue;
    }
    const int err = SSL_get_error(c.ssl, r);
    if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) return true;  // EPOLLOUT comes back
    fail_io(c, r, "sending");
    return false;
  }
}

std::size_t H2Worker::accepted_in_flight(const H2Conn& c) {
  if (!c.goaway) return c.streams.size();
  std::size_t n = 0;
  for (const auto& entry : c.streams) n += entry.first <= c.goaway_last_stream ? 1 : 0;
  return n;
}

void H2Worker::on_end_of_connection(H2Conn& c) {
  // The server closed the connection. After a GOAWAY whose accepted streams have all ended that is its right
  // (e.g. its limit of requests per connection): the next connection takes over. Otherwise streams were lost.
  const std::size_t lost = accepted_in_flight(c);
  if (c.goaway && lost == 0) {
    close(c);
    if (running()) {
      open(c);
      drive(c);
    }
    return;
  }
  fail(c, "connection closed by the server with " + std::to_string(lost) + " stream(s) in flight");
}

void H2Worker::drive(H2Conn& c) {
  if (c.state == State::handshaking) {
    ERR_clear_error();
    errno = 0;
    const int r = SSL_connect(c.ssl);
    if (r != 1) {
      fail_io(c, r, "handshake");
      return;
    }
    on_handshake(c);
  }
  if (c.state != State::open) return;
  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int r = SSL_read(c.ssl, buffer_.data(), static_cast<int>(buffer_.size()));
    if (r > 0) {
      c.last_progress = Clock::now();
      const ssize_t used = nghttp2_session_mem_recv(c.session, reinterpret_cast<const uint8_t*>(buffer_.data()),
                                                    static_cast<std::size_t>(r));
      if (used < 0) {
        fail(c, std::string("HTTP/2 (receiving): ") + nghttp2_strerror(static_cast<int>(used)));
        return;
      }
      if (c.state != State::open) return;
      continue;
    }
    const int err = SSL_get_error(c.ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) break;
    if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && errno == 0)) {
      on_end_of_connection(c);
      return;
    }
    fail_io(c, r, "reading");
    return;
  }
  if (!flush(c)) return;
  if (c.goaway && accepted_in_flight(c) == 0 && c.out_pos == c.out.size()) {
    // Every stream the server accepted has ended: a new connection for the rest of the run.
    close(c);
    if (running()) {
      open(c);
      drive(c);
    }
  }
}

void H2Worker::retry_due(Clock::time_point now) {
  for (H2Conn& c : conns_) {
    if (c.state == State::waiting_retry && c.retry_at <= now) {
      open(c);
      drive(c);
    }
  }
}

void H2Worker::check_timeouts(Clock::time_point now) {
  const auto limit = duration_cast<nanoseconds>(std::chrono::duration<double>(options_.timeout_s));
  for (H2Conn& c : conns_) {
    const bool busy = c.state == State::handshaking || (c.state == State::open && !c.streams.empty());
    if (busy && now - c.last_progress > limit) {
      fail(c, c.state == State::handshaking ? "timeout while handshaking" : "timeout while streams were open");
    }
  }
}

Stats H2Worker::run() {
  if (epoll_fd_ < 0) {
    stats_.error(std::string("epoll_create1: ") + std::strerror(errno));
    return std::move(stats_);
  }
  for (H2Conn& c : conns_) {
    open(c);
    drive(c);
  }
  std::vector<epoll_event> events(256);
  Clock::time_point last_scan = Clock::now();
  for (;;) {
    const Clock::time_point now = Clock::now();
    if (now >= clock_.measure_until) break;
    retry_due(now);
    if (now - last_scan >= kTimeoutScan) {
      check_timeouts(now);
      last_scan = now;
    }
    Clock::time_point wake = now + kRetryDelay;
    if (clock_.measure_until < wake) wake = clock_.measure_until;
    const auto wait = duration_cast<nanoseconds>(wake - now);
    timespec ts{static_cast<time_t>(wait.count() / 1'000'000'000), static_cast<long>(wait.count() % 1'000'000'000)};
    const int n = epoll_pwait2(epoll_fd_, events.data(), static_cast<int>(events.size()), &ts, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      stats_.error(std::string("epoll_pwait2: ") + std::strerror(errno));
      break;
    }
    for (int i = 0; i < n; ++i) drive(*static_cast<H2Conn*>(events[static_cast<std::size_t>(i)].data.ptr));
  }
  for (H2Conn& c : conns_) close(c);
  return std::move(stats_);
}

}  // namespace

Stats run_h2_worker(const Options& options, RunClock& clock, SSL_CTX* ctx, int connections) {
  H2Worker worker(options, clock, ctx, connections);
  return worker.run();
}

}  // namespace certgate::bench
