#pragma once
// A plain TCP socket (http:// upstream) with the same Deadline-bounded operations as TlsSocket.
#include "net/deadline.hpp"
#include "net/inline_completions.hpp"

namespace certgate::net {

class PlainSocket {
 public:
  using executor_type = executor;

  // The socket is put in non-blocking mode: a write is tried at once (StartWrite) and never blocks the thread.
  PlainSocket(tcp_socket socket, DeadlineWatch& watch) : socket_(std::move(socket)), deadline_(watch, socket_) {
    error_code ignored;
    socket_.non_blocking(true, ignored);
  }
  PlainSocket(const PlainSocket&) = delete;
  PlainSocket& operator=(const PlainSocket&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  tcp_socket& socket() { return socket_; }
  Deadline& deadline() { return deadline_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token);
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token);
  template <class Token>
  auto async_connect(const tcp::endpoint& ep, Token&& token);

 private:
  tcp_socket socket_;
  Deadline deadline_;
};

namespace detail {

// Starts the socket operation unless the deadline has already passed; an operation the watch cancelled
// completes with beast::error::timeout.
template <class Start, bool WithSize>
struct TimedOp {
  TimedOp(PlainSocket* socket, Start st) : s(socket), start(std::move(st)) {}
  PlainSocket* s;
  Start start;
  bool started = false;

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t n = 0) {
    if (!started) {
      started = true;
      if (s->deadline().expired()) {
        asio::post(s->get_executor(), asio::append(std::move(self), error_code(beast::error::timeout), std::size_t{0}));
        return;
      }
      start(s->socket(), std::move(self));
      return;
    }
    if (ec == asio::error::operation_aborted && s->deadline().expired()) ec = beast::error::timeout;
    if constexpr (WithSize) self.complete(ec, n);
    else self.complete(ec);
  }
};

template <class Buffers>
struct StartRead {
  Buffers buffers;
  template <class Handler>
  void operator()(tcp_socket& sock, Handler&& h) const { sock.async_read_some(buffers, std::forward<Handler>(h)); }
};
// A write is tried at once: the upstream's socket buffer nearly always has room for a request, and a write done
// at the first attempt completes inline (InlineCompletions) instead of through the scheduler, as Asio's own
// speculative write would. Only a full buffer (would_block) waits in the reactor.
template <class Buffers>
struct StartWrite {
  Buffers buffers;
  template <class Handler>
  void operator()(tcp_socket& sock, Handler&& h) const {
    if (sock.non_blocking() && InlineCompletions::enter()) {
      error_code ec;
      const std::size_t n = sock.write_some(buffers, ec);
      if (ec != asio::error::would_block && ec != asio::error::try_again) {
        std::forward<Handler>(h)(ec, n);
        InlineCompletions::leave();
        return;
      }
      InlineCompletions::leave();
    }
    sock.async_write_some(buffers, std::forward<Handler>(h));
  }
};
struct StartConnect {
  tcp::endpoint ep;
  template <class Handler>
  void operator()(tcp_socket& sock, Handler&& h) const {
    sock.async_connect(ep, std::forward<Handler>(h));
  }
};

}  // namespace detail

template <class MutableBuffers, class Token>
auto PlainSocket::async_read_some(const MutableBuffers& buffers, Token&& token) {
  return asio::async_compose<Token, void(error_code, std::size_t)>(
      detail::TimedOp<detail::StartRead<MutableBuffers>, true>{this, {buffers}}, token, socket_);
}

template <class ConstBuffers, class Token>
auto PlainSocket::async_write_some(const ConstBuffers& buffers, Token&& token) {
  return asio::async_compose<Token, void(error_code, std::size_t)>(
      detail::TimedOp<detail::StartWrite<ConstBuffers>, true>{this, {buffers}}, token, socket_);
}

template <class Token>
auto PlainSocket::async_connect(const tcp::endpoint& ep, Token&& token) {
  return asio::async_compose<Token, void(error_code)>(detail::TimedOp<detail::StartConnect, false>{this, {ep}},
                                                       token, socket_);
}

}  // namespace certgate::net
