#include "net/tls_socket.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <cerrno>

#include <sys/socket.h>

namespace certgate::net {
namespace {

// The error codes asio::ssl::stream reports for the same conditions, so callers keep one vocabulary:
// close_notify = eof, a peer that vanished mid-stream = stream_truncated.
TlsStep failed(SSL* ssl, int ret) {
  int err = SSL_get_error(ssl, ret);
  switch (err) {
    case SSL_ERROR_WANT_READ: return TlsStep{TlsStep::Want::read, {}, 0};
    case SSL_ERROR_WANT_WRITE: return TlsStep{TlsStep::Want::write, {}, 0};
    case SSL_ERROR_ZERO_RETURN: return TlsStep{TlsStep::Want::nothing, asio::error::eof, 0};
    case SSL_ERROR_SYSCALL: {
      int sys = errno;
      ERR_clear_error();
      if (sys == 0 || sys == EPIPE) return TlsStep{TlsStep::Want::nothing, asio::ssl::error::stream_truncated, 0};
      return TlsStep{TlsStep::Want::nothing, error_code(sys, asio::error::get_system_category()), 0};
    }
    default: {
      unsigned long e = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        return TlsStep{TlsStep::Want::nothing, asio::ssl::error::stream_truncated, 0};
      if (e == 0) return TlsStep{TlsStep::Want::nothing, asio::error::fault, 0};
      return TlsStep{TlsStep::Want::nothing, error_code(static_cast<int>(e), asio::error::get_ssl_category()), 0};
    }
  }
}

}  // namespace

TlsSocket::TlsSocket(tcp_socket socket, tls::SslPtr ssl, DeadlineWatch& watch, bool server)
    : socket_(std::move(socket)), ssl_(std::move(ssl)), deadline_(watch, socket_) {
  socket_.native_non_blocking(true);
  SSL_set_fd(ssl_.get(), static_cast<int>(socket_.native_handle()));
  SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                               SSL_MODE_RELEASE_BUFFERS);
  // Read whole records (and whatever follows) in one system call instead of header, then body.
  SSL_set_read_ahead(ssl_.get(), 1);
  if (server) SSL_set_accept_state(ssl_.get());
  else SSL_set_connect_state(ssl_.get());
}

TlsSocket::~TlsSocket() = default;

TlsStep TlsSocket::try_handshake() {
  ERR_clear_error();
  int r = SSL_do_handshake(ssl_.get());
  if (r == 1) return {};
  return failed(ssl_.get(), r);
}

TlsStep TlsSocket::try_read(void* data, std::size_t size) {
  ERR_clear_error();
  std::size_t n = 0;
  int r = SSL_read_ex(ssl_.get(), data, size, &n);
  if (r == 1) return TlsStep{TlsStep::Want::nothing, {}, n};
  return failed(ssl_.get(), r);
}

TlsStep TlsSocket::try_write(const void* data, std::size_t size) {
  ERR_clear_error();
  std::size_t n = 0;
  int r = SSL_write_ex(ssl_.get(), data, size, &n);
  if (r == 1) return TlsStep{TlsStep::Want::nothing, {}, n};
  return failed(ssl_.get(), r);
}

TlsStep TlsSocket::try_shutdown() {
  if (!socket_.is_open()) return {};
  ERR_clear_error();
  int r = SSL_shutdown(ssl_.get());
  if (r >= 0) {
    // close_notify sent (1: the peer's already seen too). Not waiting for the peer's is allowed
    // (RFC 8446 6.1) and spares a round trip per connection.
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    return {};
  }
  TlsStep s = failed(ssl_.get(), r);
  if (s.want == TlsStep::Want::nothing) {
    error_code ignored;
    socket_.close(ignored);
  }
  return s;
}

TlsStep TlsSocket::try_linger_close() {
  if (!socket_.is_open()) return {};
  error_code ignored;
  if (!notified_) {
    ERR_clear_error();
    int r = SSL_shutdown(ssl_.get());
    if (r < 0) {
      TlsStep s = failed(ssl_.get(), r);
      if (s.want == TlsStep::Want::write) return s;  // close_notify not out yet
    }
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    notified_ = true;
  }
  // Raw bytes: nothing the peer sends now is read as TLS any more.
  std::array<char, 4096> scratch;
  for (;;) {
    const ssize_t n = ::recv(socket_.native_handle(), scratch.data(), scratch.size(), MSG_DONTWAIT);
    if (n > 0) {
      lingered_ += static_cast<std::size_t>(n);
      if (lingered_ < kLingerBytes) continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return TlsStep{TlsStep::Want::read, {}, 0};
    } else if (n < 0 && errno == EINTR) {
      continue;
    }
    socket_.close(ignored);  // the peer closed, failed or sent too much
    return {};
  }
}

bool TlsSocket::has_pending() const { return SSL_has_pending(ssl_.get()) == 1; }

void TlsSocket::release_buffers() { SSL_free_buffers(ssl_.get()); }

char* TlsSocket::gather_area() {
  thread_local std::array<char, kRecordSize> area;
  return area.data();
}

}  // namespace certgate::net
