#pragma once
// One client connection, from TLS handshake to close: the certificate is decided at the handshake, then each
// request goes through the request path (request.hpp) under that decision.
#include <memory>

#include "net/net.hpp"
#include "server/runtime.hpp"

namespace certgate::server {
class Worker;

awaitable<void> serve_connection(Worker* worker, std::shared_ptr<const Runtime> rt, tcp_socket socket);

}  // namespace certgate::server
