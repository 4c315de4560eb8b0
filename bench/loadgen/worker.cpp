#include "loadgen/worker.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include <openssl/err.h>

#include "loadgen/client_tls.hpp"
#include "loadgen/response_parser.hpp"

namespace certgate::bench {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr int kIdleOpenConcurrency = 64;  // idle mode: handshakes in progress at once (spares the backlog)
constexpr auto kRetryDelay = milliseconds(20);
constexpr auto kTimeoutScan = milliseconds(100);
constexpr auto kLateDispatch = milliseconds(1);

enum class State { closed, handshaking, writing, reading, ready, holding, waiting_retry };

const char* to_string(State s) {
  switch (s) {
    case State::closed: return "closed";
    case State::handshaking: return "handshaking";
    case State::writing: return "sending the request";
    case State::reading: return "reading the response";
    case State::ready: return "idle";
    case State::holding: return "holding";
    case State::waiting_retry: return "waiting to retry";
  }
  return "?";
}

struct Conn {
  int fd = -1;
  SSL* ssl = nullptr;
  State state = State::closed;
  SessionSlot slot;  // resume mode: the latest session of this slot's connections
  bool offered_session = false;
  bool has_request = false;  // a request is waiting for the handshake to finish
  Clock::time_point request_start{};
  Clock::time_point last_progress{};
  Clock::time_point retry_at{};
  ResponseParser parser;
};

class Worker {
 public:
  Worker(const Options& options, RunClock& clock, SSL_CTX* ctx, int connections, double rate)
      : options_(options), clock_(clock), ctx_(ctx), conns_(static_cast<std::size_t>(connections)),
        buffer_(64 * 1024), open_loop_(rate > 0) {
    request_ = "GET " + options.path + " HTTP/1.1\r\nHost: " + options.host + "\r\nUser-Agent: certgate-loadgen\r\n";
    if (options.mode == Mode::full || options.mode == Mode::resume) request_ += "Connection: close\r\n";
    request_ += "\r\n";
    if (open_loop_) interval_ = nanoseconds(static_cast<long long>(1e9 / rate));
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  }

  ~Worker() {
    for (Conn& c : conns_) close(c, false);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
  }

  Stats run();

 private:
  bool idle_mode() const { return options_.mode == Mode::idle; }
  bool keepalive_mode() const { return options_.mode == Mode::keepalive; }

  void open(Conn& c, bool with_request, Clock::time_point request_start);
  void close(Conn& c, bool clean);
  void fail(Conn& c, const std::string& kind);
  void fail_io(Conn& c, int ret, const char* during);
  void drive(Conn& c);
  void on_handshake(Conn& c);
  void on_response(Conn& c);
  void reopen_or_free(Conn& c, Clock::time_point now);
  void settle_one();
  void open_idle_batch();
  void schedule(Clock::time_point now);
  void dispatch(Clock::time_point now);
  void retry_due(Clock::time_point now);
  void check_timeouts(Clock::time_point now);
  void record_tls_info(SSL* ssl);
  Clock::time_point next_wake(Clock::time_point now) const;

  const Options& options_;
  RunClock& clock_;
  SSL_CTX* ctx_;
  int epoll_fd_ = -1;
  std::vector<Conn> conns_;  // never resized: epoll and the lists hold pointers into it
  std::string request_;
  std::vector<char> buffer_;
  Stats stats_;

  bool open_loop_;
  nanoseconds interval_{0};
  Clock::time_point next_due_{};
  std::deque<Clock::time_point> pending_;  // open loop: scheduled start times waiting for a connection
  std::vector<Conn*> free_;                // open loop: connections that can take a request now
  std::vector<Conn*> retry_;               // closed after an error, reopened after kRetryDelay

  std::size_t idle_next_ = 0;  // idle: next connection to open
  int idle_opening_ = 0;       // idle: handshakes (and first requests) in progress
  std::size_t settled_ = 0;    // idle: connections established or failed
  bool settled_reported_ = false;
};

void Worker::record_tls_info(SSL* ssl) {
  std::lock_guard<std::mutex> lock(clock_.info_mutex);
  if (clock_.info_set.load()) return;
  clock_.info.tls_version = SSL_get_version(ssl);
  clock_.info.cipher = SSL_get_cipher_name(ssl);
  const int group = SSL_get_negotiated_group(ssl);
  const char* name = group != 0 ? SSL_group_to_name(ssl, group) : nullptr;
  clock_.info.group = name != nullptr ? name : "";
  clock_.info_set.store(true);
}

void Worker::open(Conn& c, bool with_request, Clock::time_point request_start) {
  const Clock::time_point now = Clock::now();
  c.has_request = with_request;
  c.request_start = request_start;
  c.last_progress = now;
  std::string error;
  if (!open_client_connection(options_, ctx_, clock_.cert_pool, c.fd, c.ssl, error)) {
    fail(c, error);
    return;
  }
  SSL_set_app_data(c.ssl, &c.slot);
  c.offered_session = false;
  if (options_.mode == Mode::resume && c.slot.session != nullptr) {
    SSL_set_session(c.ssl, c.slot.session);
    c.offered_session = true;
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = &c;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
    fail(c, std::string("epoll_ctl: ") + std::strerror(errno));
    return;
  }
  c.state = State::handshaking;
}

void Worker::close(Conn& c, bool clean) {
  if (c.ssl != nullptr) {
    // Marks the connection as shut down without sending anything: OpenSSL would otherwise flag the
    // session as not resumable when the SSL is freed, and resume mode needs it.
    if (clean) SSL_set_shutdown(c.ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(c.ssl);
    c.ssl = nullptr;
  }
  if (c.fd >= 0) {
    ::close(c.fd);  // also removes it from the epoll set
    c.fd = -1;
  }
  c.state = State::closed;
}

void Worker::fail(Conn& c, const std::string& kind) {
  stats_.error(kind);
  ERR_clear_error();
  const bool was_idle_opening = idle_mode() && c.state != State::holding;
  close(c, false);
  if (idle_mode()) {
    // A held connection was already counted as settled (established); it only adds the error.
    if (was_idle_opening) {
      --idle_opening_;
      settle_one();
    }
    return;
  }
  c.state = State::waiting_retry;
  c.retry_at = Clock::now() + kRetryDelay;
  retry_.push_back(&c);
}

void Worker::fail_io(Conn& c, int ret, const char* during) {
  const int saved_errno = errno;
  const int err = SSL_get_error(c.ssl, ret);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
  std::string why = std::string(during) + ": ";
  if (err == SSL_ERROR_SYSCALL) {
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (saved_errno != 0) {
      why += std::strerror(saved_errno);
    } else if (::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 && so_error != 0) {
      why += std::strerror(so_error);
    } else {
      why += "connection closed by the server";
    }
  } else if (err == SSL_ERROR_ZERO_RETURN) {
    why += "connection closed by the server (close_notify)";
  } else if (err == SSL_ERROR_SSL) {
    why += openssl_errors();
  } else {
    why += "SSL error " + std::to_string(err);
  }
  fail(c, why);
}

void Worker::on_handshake(Conn& c) {
  const Clock::time_point now = Clock::now();
  c.last_progress = now;
  const bool resumed = SSL_session_reused(c.ssl) == 1;
  if (now >= clock_.measure_from && now <= clock_.measure_until) {
    if (resumed) ++stats_.handshakes_resumed;
    else ++stats_.handshakes_full;
  }
  if (c.offered_session && !resumed) ++stats_.resume_misses;
  if (!clock_.info_set.load(std::memory_order_relaxed)) record_tls_info(c.ssl);
  if (c.has_request) {
    c.state = State::writing;
  } else {
    c.state = State::ready;
    free_.push_back(&c);
  }
}

void Worker::reopen_or_free(Conn& c, Clock::time_point now) {
  // A connection slot whose connection has ended: closed loop starts the next request at once, open loop
  // waits for the schedule (keep-alive: reconnect now so the connection is ready when a request is due).
  if (!open_loop_) {
    open(c, true, now);
  } else if (keepalive_mode()) {
    open(c, false, now);
  } else {
    c.state = State::closed;
    free_.push_back(&c);
  }
}

void Worker::on_response(Conn& c) {
  const Clock::time_point now = Clock::now();
  const int status = c.parser.status();
  ++stats_.requests_total;
  ++stats_.statuses[status];
  if (status != 200) ++stats_.non_200;
  if (c.request_start >= clock_.measure_from && now <= clock_.measure_until) {
    ++stats_.requests;
    stats_.bytes_received += c.parser.body_bytes();
    stats_.latency_us.push_back(static_cast<std::uint32_t>(duration_cast<microseconds>(now - c.request_start).count()));
  }
  c.has_request = false;
  const bool keep = c.parser.keep_alive();

  if (idle_mode()) {
    if (!keep) {
      fail(c, "the server will not keep an idle connection open (Connection: close)");
      return;
    }
    ++stats_.established;
    --idle_opening_;
    c.state = State::holding;
    settle_one();
    return;
  }
  if (keepalive_mode() && keep) {
    if (open_loop_) {
      c.state = State::ready;
      free_.push_back(&c);
    } else {
      c.request_start = now;
      c.state = State::writing;
    }
    return;
  }
  close(c, true);
  reopen_or_free(c, now);
}

void Worker::drive(Conn& c) {
  for (;;) {
    switch (c.state) {
      case State::closed:
      case State::waiting_retry:
        return;

      case State::handshaking: {
        ERR_clear_error();
        errno = 0;
        const int r = SSL_connect(c.ssl);
        if (r == 1) {
          on_handshake(c);
          continue;
        }
        fail_io(c, r, "handshake");
        return;
      }

      case State::writing: {
        ERR_clear_error();
        errno = 0;
        const int r = SSL_write(c.ssl, request_.data(), static_cast<int>(request_.size()));
        if (r > 0) {
          c.last_progress = Clock::now();
          c.parser.reset();
          c.state = State::reading;
          continue;
        }
        fail_io(c, r, "sending the request");
        return;
      }

      case State::reading: {
        ERR_clear_error();
        errno = 0;
        const int r = SSL_read(c.ssl, buffer_.data(), static_cast<int>(buffer_.size()));
        if (r > 0) {
          c.last_progress = Clock::now();
          std::size_t consumed = 0;
          const auto result = c.parser.feed(buffer_.data(), static_cast<std::size_t>(r), consumed);
          if (result == ResponseParser::Result::error) {
            fail(c, "bad response: " + c.parser.error());
            return;
          }
          if (result == ResponseParser::Result::done) {
            if (consumed < static_cast<std::size_t>(r)) {
              fail(c, "bad response: bytes after the end of the response");
              return;
            }
            on_response(c);
          }
          continue;
        }
        const int err = SSL_get_error(c.ssl, r);
        if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && errno == 0)) {
          if (c.parser.end_of_stream() == ResponseParser::Result::done) {
            on_response(c);
            continue;
          }
          fail(c, "reading the response: " + c.parser.error());
          return;
        }
        fail_io(c, r, "reading the response");
        return;
      }

      case State::ready:
      case State::holding: {
        // Nothing is expected here but session tickets; data or a close is a failure of the connection.
        ERR_clear_error();
        errno = 0;
        const int r = SSL_read(c.ssl, buffer_.data(), static_cast<int>(buffer_.size()));
        if (r > 0) {
          fail(c, "unexpected data on an idle connection");
          return;
        }
        const int err = SSL_get_error(c.ssl, r);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
        fail(c, c.state == State::holding ? "the server closed a held idle connection"
                                          : "the server closed an idle keep-alive connection");
        return;
      }
    }
  }
}

void Worker::settle_one() {
  ++settled_;
  if (!settled_reported_ && settled_ == conns_.size()) {
    settled_reported_ = true;
    clock_.threads_settled.fetch_add(1);
  }
}

void Worker::open_idle_batch() {
  while (idle_opening_ < kIdleOpenConcurrency && idle_next_ < conns_.size()) {
    Conn& c = conns_[idle_next_++];
    ++idle_opening_;
    open(c, true, Clock::now());
    drive(c);
  }
}

void Worker::schedule(Clock::time_point now) {
  while (next_due_ <= now && next_due_ < clock_.measure_until) {
    pending_.push_back(next_due_);
    next_due_ += interval_;
  }
}

void Worker::dispatch(Clock::time_point now) {
  while (!pending_.empty() && !free_.empty()) {
    Conn* c = free_.back();
    free_.pop_back();
    const State wanted = keepalive_mode() ? State::ready : State::closed;
    if (c->state != wanted) continue;  // stale entry: the connection failed or was reused meanwhile
    const Clock::time_point due = pending_.front();
    pending_.pop_front();
    if (now - due > kLateDispatch) ++stats_.late_dispatches;
    if (keepalive_mode()) {
      c->request_start = due;
      c->has_request = true;
      c->last_progress = now;
      c->state = State::writing;
    } else {
      open(*c, true, due);
    }
    drive(*c);
  }
}

void Worker::retry_due(Clock::time_point now) {
  for (std::size_t i = 0; i < retry_.size();) {
    Conn* c = retry_[i];
    if (c->state != State::waiting_retry || c->retry_at > now) {
      if (c->state != State::waiting_retry) {
        retry_[i] = retry_.back();
        retry_.pop_back();
      } else {
        ++i;
      }
      continue;
    }
    retry_[i] = retry_.back();
    retry_.pop_back();
    reopen_or_free(*c, now);
    drive(*c);
  }
}

void Worker::check_timeouts(Clock::time_point now) {
  const auto limit = duration_cast<nanoseconds>(std::chrono::duration<double>(options_.timeout_s));
  for (Conn& c : conns_) {
    const bool busy = c.state == State::handshaking || c.state == State::writing || c.state == State::reading;
    if (busy && now - c.last_progress > limit) fail(c, std::string("timeout while ") + to_string(c.state));
  }
}

Clock::time_point Worker::next_wake(Clock::time_point now) const {
  Clock::time_point wake = now + kTimeoutScan;
  if (!idle_mode() && clock_.measure_until < wake) wake = clock_.measure_until;
  if (open_loop_ && next_due_ < wake) wake = next_due_;
  for (const Conn* c : retry_) {
    if (c->state == State::waiting_retry && c->retry_at < wake) wake = c->retry_at;
  }
  return wake < now ? now : wake;
}

Stats Worker::run() {
  if (epoll_fd_ < 0) {
    stats_.error(std::string("epoll_create1: ") + std::strerror(errno));
    return std::move(stats_);
  }
  const Clock::time_point begin = Clock::now();
  if (idle_mode()) {
    open_idle_batch();
  } else if (open_loop_) {
    next_due_ = clock_.start;
    for (Conn& c : conns_) {
      if (keepalive_mode()) {
        open(c, false, begin);
        drive(c);
      } else {
        c.state = State::closed;
        free_.push_back(&c);
      }
    }
  } else {
    for (Conn& c : conns_) {
      open(c, true, begin);
      drive(c);
    }
  }

  std::vector<epoll_event> events(256);
  Clock::time_point last_scan = begin;
  for (;;) {
    Clock::time_point now = Clock::now();
    if (idle_mode() ? clock_.stop.load() : now >= clock_.measure_until) break;
    if (open_loop_) {
      schedule(now);
      dispatch(now);
    }
    if (!retry_.empty()) retry_due(now);
    if (idle_mode()) open_idle_batch();
    if (now - last_scan >= kTimeoutScan) {
      check_timeouts(now);
      last_scan = now;
    }

    const auto wait = duration_cast<nanoseconds>(next_wake(now) - now);
    timespec ts{static_cast<time_t>(wait.count() / 1'000'000'000), static_cast<long>(wait.count() % 1'000'000'000)};
    const int n = epoll_pwait2(epoll_fd_, events.data(), static_cast<int>(events.size()), &ts, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      stats_.error(std::string("epoll_pwait2: ") + std::strerror(errno));
      break;
    }
    for (int i = 0; i < n; ++i) drive(*static_cast<Conn*>(events[static_cast<std::size_t>(i)].data.ptr));
  }
  for (Conn& c : conns_) close(c, false);
  return std::move(stats_);
}

}  // namespace

Stats run_worker(const Options& options, RunClock& clock, SSL_CTX* ctx, int connections, double rate) {
  Worker worker(options, clock, ctx, connections, rate);
  return worker.run();
}

}  // namespace certgate::bench
