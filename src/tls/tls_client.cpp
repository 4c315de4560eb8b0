#include "tls/tls_client.hpp"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/host_port.hpp"
#include "tls/digest.hpp"

namespace certgate::tls {
namespace {

using Clock = TlsClient::Clock;

// Waits until the socket is readable/writable or the deadline passes.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return false;
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(left)) > 0;
}

// Runs an SSL operation on a non-blocking socket until it completes, fails or the deadline passes.
template <class Op>
int ssl_io(SSL* ssl, int fd, Clock::time_point deadline, bool* timed_out, Op op) {
  for (;;) {
    int rc = op();
    if (rc > 0) return rc;
    int err = SSL_get_error(ssl, rc);
    short events = err == SSL_ERROR_WANT_READ ? POLLIN : err == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0) return rc;
    if (!wait_fd(fd, events, deadline)) {
      *timed_out = true;
      return -1;
    }
  }
}

// Whether the caller asked for the server's certificate to be verified.
bool verifies(const TlsClientOptions& options) { return !options.ca_file.empty() || !options.ca_certs.empty(); }

// Whether `name` is an IP address (bare, or an IPv6 address in brackets), as core::parse_host_port reads it.
bool is_ip_address(const std::string& name) {
  auto parsed = core::parse_host_port(name, {core::PortRule::optional, true});
  return parsed && parsed.value->kind != core::HostPort::Kind::name;
}

// What the handshake told about the server: version, certificate, and (when asked) whether it verified.
void record_server(SSL* ssl, const TlsClientOptions& options, TlsClientReport& out) {
  out.protocol = SSL_get_version(ssl);
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer != nullptr) out.server_subject = digest_of(peer).subject.rfc4514;
  if (!verifies(options)) return;
  long result = SSL_get_verify_result(ssl);
  out.server_verified = peer != nullptr && result == X509_V_OK;
  if (!out.server_verified) {
    out.server_verify_error = peer == nullptr ? "no server certificate received" : X509_verify_cert_error_string(result);
  }
}

}  // namespace

std::string alert_from_errors(const std::string& errors) {
  auto pos = errors.find("alert ");
  if (pos == std::string::npos) return {};
  std::string a = errors.substr(pos + 6);
  auto end = a.find(';');
  if (end != std::string::npos) a = a.substr(0, end);
  std::replace(a.begin(), a.end(), ' ', '_');
  return a;
}

TlsClient::TlsClient(const TlsClientOptions& options, Clock::time_point deadline) : deadline_(deadline) {
  connect_tcp(options);
  if (report_.tcp_ok) handshake(options);
}

TlsClient::~TlsClient() {
  // close_notify, once and without waiting, on a connection still in use (not one the server ended or broke).
  if (ssl_ && report_.tls_ok && !ended_) SSL_shutdown(ssl_.get());
  ssl_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void TlsClient::connect_tcp(const TlsClientOptions& options) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(options.connect_host.c_str(), std::to_string(options.port).c_str(), &hints, &res);
  if (rc != 0) {
    report_.tcp_error = std::string("cannot resolve ") + options.connect_host + ": " + gai_strerror(rc);
    return;
  }
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      fd_ = fd;
      break;
    }
    if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline_)) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) {
        fd_ = fd;
        break;
      }
      report_.tcp_error = std::strerror(err);
    } else if (errno == EINPROGRESS) {
      report_.tcp_error = "connect timed out";
      report_.timed_out = true;
    } else {
      report_.tcp_error = std::strerror(errno);
    }
    ::close(fd);
  }
  ::freeaddrinfo(res);
  report_.tcp_ok = fd_ >= 0;
  if (report_.tcp_ok) {
    report_.tcp_error.clear();
    report_.timed_out = false;  // an earlier address timed out, a later one answered
  }
}

void TlsClient::handshake(const TlsClientOptions& options) {
  ctx_.reset(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
  if (verifies(options)) {
    // SSL_VERIFY_NONE still verifies and records the result (SSL_get_verify_result); it only does not abort.
    SSL_CTX_set_verify(ctx_.get(), options.verify_continue ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
    if (!options.ca_file.empty() && SSL_CTX_load_verify_locations(ctx_.get(), options.ca_file.c_str(), nullptr) != 1) {
      report_.tls_error = "cannot load the CA file " + options.ca_file + ": " + take_openssl_errors();
      return;
    }
    for (X509* anchor : options.ca_certs) X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_.get()), anchor);
  }
  if (options.client_cert && options.client_key) {
    SSL_CTX_use_certificate(ctx_.get(), options.client_cert);
    SSL_CTX_use_PrivateKey(ctx_.get(), options.client_key);
    for (X509* c : options.client_chain) SSL_CTX_add1_chain_cert(ctx_.get(), c);
  }
  ssl_.reset(SSL_new(ctx_.get()));
  if (!options.alpn.empty()) {
    std::string wire;  // RFC 7301 3.1: each name preceded by its length
    for (const std::string& name : options.alpn) {
      if (name.empty() || name.size() > 255) continue;
      wire += static_cast<char>(name.size());
      wire += name;
    }
    // SSL_set_alpn_protos returns 0 on success.
    if (SSL_set_alpn_protos(ssl_.get(), reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned int>(wire.size())) != 0) {
      report_.tls_error = "cannot offer ALPN: " + take_openssl_errors();
      return;
    }
  }
  if (!options.sni.empty()) SSL_set_tlsext_host_name(ssl_.get(), options.sni.c_str());
  if (verifies(options) && !options.verify_name.empty()) {
    if (is_ip_address(options.verify_name)) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), options.verify_name.c_str());
    } else {
      SSL_set1_host(ssl_.get(), options.verify_name.c_str());
    }
  }
  SSL_set_fd(ssl_.get(), fd_);
  ERR_clear_error();
  int rc = ssl_io(ssl_.get(), fd_, deadline_, &report_.timed_out, [&] { return SSL_connect(ssl_.get()); });
  record_server(ssl_.get(), options, report_);
  if (rc <= 0) {
    report_.protocol.clear();  // nothing was negotiated
    report_.tls_error = report_.timed_out ? "TLS handshake timed out" : take_openssl_errors();
    if (report_.tls_error.empty()) report_.tls_error = "connection closed during the TLS handshake";
    report_.alert = alert_from_errors(report_.tls_error);
    return;
  }
  const unsigned char* selected = nullptr;
  unsigned int selected_len = 0;
  SSL_get0_alpn_selected(ssl_.get(), &selected, &selected_len);
  if (selected != nullptr) report_.alpn.assign(reinterpret_cast<const char*>(selected), selected_len);
  report_.tls_ok = true;
}

TlsIo TlsClient::failure(int rc) {
  const int saved_errno = errno;
  TlsIo io;
  ended_ = true;
  if (report_.timed_out) {
    io.end = TlsIo::End::timed_out;
    return io;
  }
  const int err = SSL_get_error(ssl_.get(), rc);
  const unsigned long first = ERR_peek_error();
  if (err == SSL_ERROR_ZERO_RETURN ||
      (err == SSL_ERROR_SYSCALL && first == 0 && saved_errno == 0) ||
      (err == SSL_ERROR_SSL && ERR_GET_REASON(first) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
    ERR_clear_error();
    io.end = TlsIo::End::closed;
    return io;
  }
  io.end = TlsIo::End::failed;
  io.error = take_openssl_errors();
  if (io.error.empty()) io.error = saved_errno != 0 ? std::strerror(saved_errno) : "connection failed";
  io.alert = alert_from_errors(io.error);
  return io;
}

TlsIo TlsClient::write_all(std::string_view data) {
  TlsIo io;
  if (!established()) {
    io.end = TlsIo::End::failed;
    io.error = "no TLS connection";
    return io;
  }
  while (io.size < data.size()) {
    const std::size_t left = data.size() - io.size;
    const int chunk = static_cast<int>(std::min<std::size_t>(left, 1 << 30));
    ERR_clear_error();
    errno = 0;
    int n = ssl_io(ssl_.get(), fd_, deadline_, &report_.timed_out,
                   [&] { return SSL_write(ssl_.get(), data.data() + io.size, chunk); });
    if (n <= 0) {
      TlsIo why = failure(n);
      why.size = io.size;
      return why;
    }
    io.size += static_cast<std::size_t>(n);
  }
  return io;
}

TlsIo TlsClient::read_some(char* buffer, std::size_t capacity) {
  TlsIo io;
  if (!established()) {
    io.end = TlsIo::End::failed;
    io.error = "no TLS connection";
    return io;
  }
  const int want = static_cast<int>(std::min<std::size_t>(capacity, 1 << 30));
  ERR_clear_error();
  errno = 0;
  int n = ssl_io(ssl_.get(), fd_, deadline_, &report_.timed_out, [&] { return SSL_read(ssl_.get(), buffer, want); });
  if (n > 0) {
    io.size = static_cast<std::size_t>(n);
    return io;
  }
  return failure(n);
}

}  // namespace certgate::tls
