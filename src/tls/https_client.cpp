#include "tls/https_client.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>

namespace certgate::tls {
namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Waits until the socket is readable/writable or the deadline passes.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return false;
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(left)) > 0;
}

int connect_with_timeout(const HttpsRequest& req, Clock::time_point deadline, std::string* error, bool* timed_out) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(req.connect_host.c_str(), std::to_string(req.port).c_str(), &hints, &res);
  if (rc != 0) {
    *error = std::string("cannot resolve ") + req.connect_host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline)) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) break;
      *error = std::strerror(err);
    } else if (errno == EINPROGRESS) {
      *error = "connect timed out";
      *timed_out = true;
    } else {
      *error = std::strerror(errno);
    }
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  return fd;
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

// The alert description OpenSSL recorded from the peer, e.g. "certificate required".
std::string alert_from_errors(const std::string& errors) {
  auto pos = errors.find("alert ");
  if (pos == std::string::npos) return {};
  std::string a = errors.substr(pos + 6);
  auto end = a.find(';');
  if (end != std::string::npos) a = a.substr(0, end);
  std::replace(a.begin(), a.end(), ' ', '_');
  return a;
}

// A whole response by Content-Length or the last chunk (a response delimited by close is read to the end).
bool response_complete(const std::string& raw) {
  auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  std::string head = raw.substr(0, head_end + 2);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t body = raw.size() - head_end - 4;
  auto length = head.find("\r\ncontent-length:");
  if (length != std::string::npos) {
    return body >= static_cast<std::size_t>(std::strtoull(head.c_str() + length + 17, nullptr, 10));
  }
  if (head.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
    return raw.size() >= 5 && raw.compare(raw.size() - 5, 5, "0\r\n\r\n") == 0;
  }
  return false;
}

void parse_response(const std::string& raw, HttpsResponse& out) {
  auto head_end = raw.find("\r\n\r\n");
  std::string head = raw.substr(0, head_end);
  auto line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return;
  out.status = std::atoi(status_line.c_str() + 9);
  out.http_ok = out.status > 0;
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto eol = head.find("\r\n", pos);
    std::string line = head.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      out.headers.emplace_back(line.substr(0, colon), value);
    }
    if (eol == std::string::npos) break;
    pos = eol + 2;
  }
  if (head_end != std::string::npos) out.body = raw.substr(head_end + 4);
}

bool is_ip_address(const std::string& text) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, text.c_str(), buf) == 1 || ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

std::string subject_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  std::string out;
  if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.assign(data, static_cast<std::size_t>(n));
  }
  BIO_free(bio);
  return out;
}

// Whether the caller asked for the server's certificate to be verified.
bool verifies(const HttpsRequest& req) { return !req.ca_file.empty() || !req.ca_certs.empty(); }

// What the handshake told about the server: version, certificate, and (when asked) whether it verified.
void record_server(SSL* ssl, const HttpsRequest& req, HttpsResponse& out) {
  out.protocol = SSL_get_version(ssl);
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer != nullptr) out.server_subject = subject_of(peer);
  if (!verifies(req)) return;
  long result = SSL_get_verify_result(ssl);
  out.server_verified = peer != nullptr && result == X509_V_OK;
  if (!out.server_verified) {
    out.server_verify_error = peer == nullptr ? "no server certificate received" : X509_verify_cert_error_string(result);
  }
}

}  // namespace

std::string HttpsResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

HttpsResponse https_request(const HttpsRequest& req) {
  HttpsResponse out;
  auto start = Clock::now();
  auto deadline = start + req.timeout;
  auto finish = [&] {
    out.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return out;
  };
  Fd fd;
  fd.fd = connect_with_timeout(req, deadline, &out.tcp_error, &out.timed_out);
  if (fd.fd < 0) return finish();
  out.tcp_ok = true;

  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (verifies(req)) {
    // SSL_VERIFY_NONE still verifies and records the result (SSL_get_verify_result); it only does not abort.
    SSL_CTX_set_verify(ctx.get(), req.verify_continue ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
    if (!req.ca_file.empty() && SSL_CTX_load_verify_locations(ctx.get(), req.ca_file.c_str(), nullptr) != 1) {
      out.tls_error = "cannot load the CA file " + req.ca_file + ": " + take_openssl_errors();
      return finish();
    }
    for (X509* anchor : req.ca_certs) X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), anchor);
  }
  if (req.client_cert && req.client_key) {
    SSL_CTX_use_certificate(ctx.get(), req.client_cert);
    SSL_CTX_use_PrivateKey(ctx.get(), req.client_key);
    for (X509* c : req.client_chain) SSL_CTX_add1_chain_cert(ctx.get(), c);
  }
  SslPtr ssl(SSL_new(ctx.get()));
  if (!req.sni.empty()) SSL_set_tlsext_host_name(ssl.get(), req.sni.c_str());
  if (verifies(req) && !req.verify_name.empty()) {
    if (is_ip_address(req.verify_name)) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), req.verify_name.c_str());
    } else {
      SSL_set1_host(ssl.get(), req.verify_name.c_str());
    }
  }
  SSL_set_fd(ssl.get(), fd.fd);
  ERR_clear_error();
  int rc = ssl_io(ssl.get(), fd.fd, deadline, &out.timed_out, [&] { return SSL_connect(ssl.get()); });
  record_server(ssl.get(), req, out);
  if (rc <= 0) {
    out.protocol.clear();  // nothing was negotiated
    out.tls_error = out.timed_out ? "TLS handshake timed out" : take_openssl_errors();
    if (out.tls_error.empty()) out.tls_error = "connection closed during the TLS handshake";
    out.alert = alert_from_errors(out.tls_error);
    return finish();
  }
  out.tls_ok = true;

  std::string host = !req.host_header.empty() ? req.host_header : !req.sni.empty() ? req.sni : req.connect_host;
  std::string request = req.method + " " + req.path + " HTTP/1.1\r\nHost: " + host +
                        "\r\nUser-Agent: certgate\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  rc = ssl_io(ssl.get(), fd.fd, deadline, &out.timed_out,
              [&] { return SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())); });
  std::string raw;
  if (rc > 0) {
    char buf[16384];
    for (;;) {
      int n = ssl_io(ssl.get(), fd.fd, deadline, &out.timed_out, [&] { return SSL_read(ssl.get(), buf, sizeof buf); });
      if (n <= 0) break;
      raw.append(buf, static_cast<std::size_t>(n));
      if (raw.size() > (1 << 20)) break;  // enough to judge; the rest is not needed
      if (response_complete(raw)) break;  // a server that keeps the connection open must not cost a timeout
    }
  }
  // In TLS 1.3 a refused client certificate surfaces as an alert on the first read.
  std::string errors = take_openssl_errors();
  if (raw.empty()) {
    out.alert = alert_from_errors(errors);
    if (!out.alert.empty()) {
      out.tls_ok = false;
      out.tls_error = errors;
    } else {
      out.empty_reply = !out.timed_out;
    }
    return finish();
  }
  parse_response(raw, out);
  if (!out.http_ok) out.empty_reply = false;
  SSL_shutdown(ssl.get());
  return finish();
}

}  // namespace certgate::tls
