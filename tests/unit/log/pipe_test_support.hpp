#pragma once
// A pipe whose reading end the test controls: nobody reads it until the test says so, so a writer fills it
// and then finds no room (what a stalled log reader looks like).
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <string>

namespace certgate::test_pipe {

struct Pipe {
  int read_fd = -1;
  int write_fd = -1;

  // pipe_bytes: the pipe's buffer (F_SETPIPE_SZ; the kernel rounds up to a page).
  explicit Pipe(int pipe_bytes = 4096) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    read_fd = fds[0];
    write_fd = fds[1];
    ::fcntl(read_fd, F_SETPIPE_SZ, pipe_bytes);
    ::fcntl(read_fd, F_SETFL, ::fcntl(read_fd, F_GETFL) | O_NONBLOCK);
    std::signal(SIGPIPE, SIG_IGN);  // a write to a closed pipe is an error, as in the server
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  void close_read() {
    if (read_fd >= 0) ::close(read_fd);
    read_fd = -1;
  }
  void close_write() {
    if (write_fd >= 0) ::close(write_fd);
    write_fd = -1;
  }

  // Everything readable now (without waiting).
  std::string read_now() {
    std::string out;
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(read_fd, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

  // Reads into `got` until pred(got) or the end of the pipe or `timeout`; returns pred(got).
  template <class Pred>
  bool read_until(std::string& got, Pred pred, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred(got)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{read_fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 100))) <= 0) continue;
      char buf[65536];
      ssize_t n = ::read(read_fd, buf, sizeof buf);
      if (n == 0) return pred(got);  // every writer closed
      if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
};

inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

}  // namespace certgate::test_pipe
