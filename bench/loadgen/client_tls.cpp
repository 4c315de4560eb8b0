#include "loadgen/client_tls.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <openssl/err.h>

namespace certgate::bench {
namespace {

// Takes ownership of `session` (returns 1) and keeps it as the slot's latest.
int on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* slot = static_cast<SessionSlot*>(SSL_get_app_data(ssl));
  if (slot == nullptr) return 0;
  slot->replace(session);
  return 1;
}

}  // namespace

void SessionSlot::replace(SSL_SESSION* next) {
  if (session != nullptr) SSL_SESSION_free(session);
  session = next;
}

SessionSlot::~SessionSlot() { replace(nullptr); }

std::string openssl_errors() {
  std::string out;
  unsigned long code;
  char buf[256];
  while ((code = ERR_get_error()) != 0) {
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error recorded" : out;
}

bool open_client_connection(const Options& options, SSL_CTX* ctx, ClientCertPool* pool, int& fd, SSL*& ssl,
                            std::string& error) {
  fd = ::socket(options.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&options.address), options.address_len) != 0 &&
      errno != EINPROGRESS) {
    error = std::string("connect: ") + std::strerror(errno);
    return false;
  }
  ssl = SSL_new(ctx);
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
    error = "SSL_new: " + openssl_errors();
    return false;
  }
  if (pool != nullptr && !pool->use_next(ssl)) {
    error = "setting the client certificate of the pool: " + openssl_errors();
    return false;
  }
  if (!options.sni.empty()) SSL_set_tlsext_host_name(ssl, options.sni.c_str());
  if (!options.ca.empty()) SSL_set1_host(ssl, options.sni.c_str());
  return true;
}

SSL_CTX* make_client_context(const Options& options, std::string& error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    error = "SSL_CTX_new: " + openssl_errors();
    return nullptr;
  }
  auto fail = [&](const std::string& what) {
    error = what + ": " + openssl_errors();
    SSL_CTX_free(ctx);
    return nullptr;
  };
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (options.tls12) SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  // A server that closes without close_notify after a complete response is not an error here; an
  // incomplete response is caught by the HTTP parser.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (options.mode == Mode::idle) SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);

  if (!options.cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, options.cert.c_str()) != 1) return fail("--cert " + options.cert);
    if (SSL_CTX_use_PrivateKey_file(ctx, options.key.c_str(), SSL_FILETYPE_PEM) != 1) {
      return fail("--key " + options.key);
    }
    if (SSL_CTX_check_private_key(ctx) != 1) return fail("--key does not match --cert");
  }
  if (!options.ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, options.ca.c_str(), nullptr) != 1) return fail("--ca " + options.ca);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }

  if (options.http2) {
    // What an HTTP/2 client such as the edge offers: h2 first, HTTP/1.1 as the fallback.
    static constexpr unsigned char kAlpn[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    if (SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn) != 0) return fail("SSL_CTX_set_alpn_protos");
  }
  if (options.mode == Mode::resume) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  return ctx;
}

}  // namespace certgate::bench
