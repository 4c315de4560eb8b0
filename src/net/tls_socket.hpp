#pragma once
// TLS straight on a non-blocking socket: OpenSSL reads and writes the file descriptor itself, and the socket
// is only asked for readiness when OpenSSL wants more. Compared with asio::ssl::stream (a BIO pair, two
// 17 KiB engine buffers and two copies per record) this keeps no buffer of its own, lets OpenSSL release its
// buffers on idle connections (SSL_MODE_RELEASE_BUFFERS), sends a gathered head + body as one record, and
// closes with a single close_notify instead of waiting for the peer's.
//
// Models Asio's AsyncReadStream / AsyncWriteStream, so Beast's HTTP operations run on it. Every operation is
// bounded by the socket's Deadline.
#include <cstddef>

#include "net/deadline.hpp"
#include "net/inline_completions.hpp"
#include "tls/openssl_ptr.hpp"

namespace certgate::net {

// What one attempt at an OpenSSL call asked for.
struct TlsStep {
  enum class Want { nothing, read, write } want = Want::nothing;
  error_code ec;
  std::size_t bytes = 0;
};

class TlsSocket {
 public:
  using executor_type = executor;

  // Takes a connected socket and an SSL set up for the side it plays (server: accept, client: connect).
  TlsSocket(tcp_socket socket, tls::SslPtr ssl, DeadlineWatch& watch, bool server);
  ~TlsSocket();
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  tcp_socket& socket() { return socket_; }
  SSL* native_handle() { return ssl_.get(); }
  Deadline& deadline() { return deadline_; }

  template <class Token>
  auto async_handshake(Token&& token);
  // Completes when a read would make progress: data (or an alert) arrived. Holds no buffer while waiting.
  template <class Token>
  auto async_wait_readable(Token&& token);
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token);
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token);
  // Sends close_notify (without waiting for the peer's) and closes the socket.
  template <class Token>
  auto async_shutdown(Token&& token);
  // Sends close_notify and stops sending, then reads and drops whatever the peer still sends (the rest of a
  // request certgate refused) until it closes, kLingerBytes have come or the deadline passes; then closes.
  // Without it the peer's unread bytes make the kernel reset the connection, and the peer may lose the
  // response it was sent before reading it (lingering close, RFC 9112 9.6).
  template <class Token>
  auto async_linger_close(Token&& token);

  // One attempt each; never blocks.
  TlsStep try_handshake();
  TlsStep try_read(void* data, std::size_t size);
  TlsStep try_write(const void* data, std::size_t size);
  TlsStep try_shutdown();
  TlsStep try_linger_close();
  bool has_pending() const;
  // Frees OpenSSL's record buffers if they hold nothing (an idle connection): SSL_MODE_RELEASE_BUFFERS alone
  // keeps the read buffer whenever a read stopped inside a record. They come back on the next read or write.
  void release_buffers();

  // A per-thread scratch area where a write gathers a short buffer sequence into one TLS record.
  static constexpr std::size_t kRecordSize = 16 * 1024;
  static char* gather_area();
  // What a lingering close drops at most: a refused body of up to 1 MiB, counted as it comes on the wire, so with
  // room for its framing (each TLS record adds 22 to 29 bytes to 16 KiB, chunked framing a line per chunk).
  // Counting the body alone would reset a client that sends exactly 1 MiB at its last records.
  static constexpr std::size_t kLingerBytes = 1024 * 1024 + 1024 * 1024 / 8;

 private:
  tcp_socket socket_;
  tls::SslPtr ssl_;
  Deadline deadline_;
  std::size_t lingered_ = 0;     // bytes dropped while lingering
  bool notified_ = false;        // close_notify sent and sending shut down
};

namespace detail {

// Runs `step` until it neither wants to read nor to write, waiting on the socket in between. Completes with
// beast::error::timeout when the deadline expires. An operation done at its first attempt completes inside the
// initiating call (up to InlineCompletions::kMaxDepth nested ones on a thread, then through the executor).
template <class Step, bool WithSize>
struct TlsOp {
  TlsOp(TlsSocket* socket, Step st) : s(socket), step(std::move(st)) {}
  TlsSocket* s;
  Step step;
  bool waited = false;
  bool done = false;
  error_code result;
  std::size_t bytes = 0;

  template <class Self>
  void operator()(Self& self, error_code wait_ec = {}) {
    if (done) return complete(self);
    if (wait_ec) {
      if (wait_ec == asio::error::operation_aborted && s->deadline().expired()) wait_ec = beast::error::timeout;
      return finish(self, wait_ec, 0);
    }
    if (s->deadline().expired()) return finish(self, beast::error::timeout, 0);
    TlsStep r = step(*s);
    if (r.want == TlsStep::Want::nothing) return finish(self, r.ec, r.bytes);
    waited = true;
    s->socket().async_wait(r.want == TlsStep::Want::read ? tcp::socket::wait_read : tcp::socket::wait_write,
                           std::move(self));
  }

  template <class Self>
  void finish(Self& self, error_code ec, std::size_t n) {
    result = ec;
    bytes = n;
    if (waited) return complete(self);
    if (InlineCompletions::enter()) {
      complete(self);
      InlineCompletions::leave();
      return;
    }
    done = true;
    asio::post(s->get_executor(), std::move(self));
  }

  template <class Self>
  void complete(Self& self) {
    if constexpr (WithSize) self.complete(result, bytes);
    else self.complete(result);
  }
};

struct HandshakeStep {
  TlsStep operator()(TlsSocket& s) const { return s.try_handshake(); }
};
struct ShutdownStep {
  TlsStep operator()(TlsSocket& s) const { return s.try_shutdown(); }
};
struct LingerCloseStep {
  TlsStep operator()(TlsSocket& s) const { return s.try_linger_close(); }
};
struct ReadableStep {
  TlsStep operator()(TlsSocket& s) const {
    if (s.has_pending()) return {};
    // Zero-byte probe: nothing buffered, so wait for the socket (the next attempt reports ready).
    if (!probed) {
      probed = true;
      return TlsStep{TlsStep::Want::read, {}, 0};
    }
    return {};
  }
  mutable bool probed = false;
};

template <class MutableBuffers>
struct ReadStep {
  MutableBuffers buffers;
  TlsStep operator()(TlsSocket& s) const {
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
      asio::mutable_buffer b = *it;
      if (b.size() > 0) return s.try_read(b.data(), b.size());
    }
    return {};
  }
};

template <class ConstBuffers>
struct WriteStep {
  ConstBuffers buffers;
  TlsStep operator()(TlsSocket& s) const {
    std::size_t total = asio::buffer_size(buffers);
    if (total == 0) return {};
    for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
      asio::const_buffer b = *it;
      if (b.size() == 0) continue;
      if (b.size() == total || b.size() >= TlsSocket::kRecordSize) return s.try_write(b.data(), b.size());
      break;
    }
    // Several short pieces (a response head and its body): one record, one system call. A retry after
    // WANT_WRITE gathers the same bytes again, as OpenSSL requires.
    char* area = TlsSocket::gather_area();
    std::size_t n = asio::buffer_copy(asio::mutable_buffer(area, TlsSocket::kRecordSize), buffers);
    return s.try_write(area, n);
  }
};

}  // namespace detail

template <class Token>
auto TlsSocket::async_handshake(Token&& token) {
  return asio::async_compose<Token, void(error_code)>(detail::TlsOp<detail::HandshakeStep, false>{this, {}},
                                                       token, socket_);
}

template <class Token>
auto TlsSocket::async_wait_readable(Token&& token) {
  return asio::async_compose<Token, void(error_code)>(detail::TlsOp<detail::ReadableStep, false>{this, {}}, token,
                                                       socket_);
}

template <class MutableBuffers, class Token>
auto TlsSocket::async_read_some(const MutableBuffers& buffers, Token&& token) {
  return asio::async_compose<Token, void(error_code, std::size_t)>(
      detail::TlsOp<detail::ReadStep<MutableBuffers>, true>{this, {buffers}}, token, socket_);
}

template <class ConstBuffers, class Token>
auto TlsSocket::async_write_some(const ConstBuffers& buffers, Token&& token) {
  return asio::async_compose<Token, void(error_code, std::size_t)>(
      detail::TlsOp<detail::WriteStep<ConstBuffers>, true>{this, {buffers}}, token, socket_);
}

template <class Token>
auto TlsSocket::async_shutdown(Token&& token) {
  return asio::async_compose<Token, void(error_code)>(detail::TlsOp<detail::ShutdownStep, false>{this, {}}, token,
                                                       socket_);
}

template <class Token>
auto TlsSocket::async_linger_close(Token&& token) {
  return asio::async_compose<Token, void(error_code)>(detail::TlsOp<detail::LingerCloseStep, false>{this, {}}, token,
                                                       socket_);
}

}  // namespace certgate::net
