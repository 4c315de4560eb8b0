#pragma once
#include <memory>

#include "http/net.hpp"
#include "http/runtime.hpp"

namespace certgate::server {
class Worker;

// One client connection, from TLS handshake to close: the decision is made once at the handshake,
// then each request is refused with it or proxied with the identity it established.
awaitable<void> serve_connection(Worker* worker, std::shared_ptr<const Runtime> rt, tcp_socket socket);

}  // namespace certgate::server
