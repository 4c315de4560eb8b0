#pragma once
// The active check of one upstream server ([upstreams.NAME] health_check): a new connection (TLS for https, with
// the upstream's verification), "GET <path>" with Connection: close, and a 2xx response head within the timeout.
#include <string>

#include "proxy/upstream.hpp"

namespace certgate::proxy {

// "" when the server passed; otherwise why not ("upstream 10.0.0.1:8080 answered 503"). target.connect_timeout
// bounds the connection and the TLS handshake, `timeout` the request and the response head.
awaitable<std::string> probe_server(UpstreamTarget target, const std::string* path, config::Millis timeout);

}  // namespace certgate::proxy
