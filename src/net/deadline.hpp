#pragma once
// Time limits on socket operations that cost no system call to set or move.
//
// Every read and write of a session has a limit (handshake, header, body, idle, upstream). One Asio timer per
// operation would re-arm a timerfd several times per request; instead each socket carries a Deadline (a time
// point in memory) and the worker's DeadlineWatch, one timer ticking every `tick`, cancels the socket of each
// deadline that has passed. The cancelled operation then completes with beast::error::timeout. Precision is
// the tick, which is plenty for limits counted in seconds.
#include <chrono>

#include "net/net.hpp"

namespace certgate::net {

class DeadlineWatch;

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  // Registers with `watch` (which must outlive it); `socket` is what an expiry cancels.
  Deadline(DeadlineWatch& watch, tcp_socket& socket);
  ~Deadline();
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  void expires_after(std::chrono::milliseconds d) {
    at_ = Clock::now() + d;
    expired_ = false;
  }
  void expires_at(Clock::time_point at) {
    at_ = at;
    expired_ = false;
  }
  void expires_never() {
    at_ = Clock::time_point::max();
    expired_ = false;
  }
  // Set by the watch when the time point passed; stays set until the next expires_*.
  bool expired() const { return expired_; }

 private:
  friend class DeadlineWatch;
  DeadlineWatch* watch_;
  tcp_socket* socket_;
  Clock::time_point at_ = Clock::time_point::max();
  bool expired_ = false;
  Deadline* prev_ = nullptr;  // intrusive list of the watch's deadlines
  Deadline* next_ = nullptr;
};

// One per worker thread (not thread-safe: used only from its io_context's thread). It must outlive every
// Deadline registered with it.
class DeadlineWatch {
 public:
  explicit DeadlineWatch(asio::io_context& ioc, std::chrono::milliseconds tick = std::chrono::milliseconds(100));
  ~DeadlineWatch();
  DeadlineWatch(const DeadlineWatch&) = delete;
  DeadlineWatch& operator=(const DeadlineWatch&) = delete;

  // Starts ticking (idempotent); stop() before the io_context goes away.
  void start();
  void stop();
  // Expires every deadline whose time has come; called by the tick, public for tests.
  void check(Deadline::Clock::time_point now);
  std::size_t size() const { return size_; }

 private:
  friend class Deadline;
  void add(Deadline* d);
  void remove(Deadline* d);
  void arm();

  std::unique_ptr<steady_timer> timer_;
  std::chrono::milliseconds tick_;
  Deadline* head_ = nullptr;
  std::size_t size_ = 0;
  bool running_ = false;
};

}  // namespace certgate::net
