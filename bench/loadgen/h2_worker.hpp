#pragma once
// --http2: keep-alive over HTTP/2. One event-loop thread like worker.hpp (non-blocking sockets, edge-triggered
// epoll, its own SSL_CTX), but each connection is an nghttp2 client session over TLS with ALPN h2 and the
// client certificate, keeping --streams GET streams in flight: a new stream starts as each one ends.
#include <openssl/ssl.h>

#include "loadgen/options.hpp"
#include "loadgen/stats.hpp"
#include "loadgen/worker.hpp"

namespace certgate::bench {

// Runs until the measured window ends, then closes every connection it opened. A connection whose server did
// not select h2 counts one error ("h2 not negotiated") and is not opened again.
Stats run_h2_worker(const Options& options, RunClock& clock, SSL_CTX* ctx, int connections);

}  // namespace certgate::bench
