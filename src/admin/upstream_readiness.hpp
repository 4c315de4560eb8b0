#pragma once
// /readyz and the upstreams: a gateway whose origin cannot be reached should leave the load balancer's rotation
// ([admin] ready_upstream_within). Every upstream a host block uses must have a server that answered within that
// time: a response head, a passing active check, or, when neither happened (no traffic yet, nothing configured to
// check), a TCP connection opened here, one server after the other, each within a second.
#include <string>

#include "net/net.hpp"

namespace certgate::server {
class Server;
}

namespace certgate::admin {

// "" when every upstream in use was reached in time (or the check is off); otherwise which upstream was not,
// with each of its servers' errors.
awaitable<std::string> upstream_not_ready(server::Server* server);

}  // namespace certgate::admin
