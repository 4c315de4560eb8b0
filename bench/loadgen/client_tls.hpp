#pragma once
// The client side TLS context: the client certificate, TLS 1.3 by default (1.2 with --tls12), and in resume
// mode the capture of each connection's session (TLS 1.3 tickets arrive after the handshake, so they are
// caught by the new-session callback, not by SSL_get1_session).
#include <string>

#include <openssl/ssl.h>

#include "loadgen/cert_pool.hpp"
#include "loadgen/options.hpp"

namespace certgate::bench {

// Where the new-session callback stores a connection's latest session: set with SSL_set_app_data.
struct SessionSlot {
  SSL_SESSION* session = nullptr;  // owned (one reference)
  void replace(SSL_SESSION* next);
  ~SessionSlot();
};

// One context per event-loop thread (no lock sharing between threads). Null with `error` set on failure.
SSL_CTX* make_client_context(const Options& options, std::string& error);

// Starts a connection as both workers do: a non-blocking TCP socket (TCP_NODELAY) connecting to
// options.address, and its SSL from `ctx` with the pool's next client certificate (when there is a pool), the
// SNI and, with --ca, the name to verify. `fd` and `ssl` are set as far as it got, for the caller to close;
// false with `error` ("socket: ...", "connect: ...", "SSL_new: ...") when a step failed. The handshake is the
// caller's.
bool open_client_connection(const Options& options, SSL_CTX* ctx, ClientCertPool* pool, int& fd, SSL*& ssl,
                            std::string& error);

// The OpenSSL error queue as one line (and clears it).
std::string openssl_errors();

}  // namespace certgate::bench
