#pragma once
// The active health checks of a Runtime's upstreams: one loop per server of an upstream with health_check, run on
// one worker's io_context. A loop ends once the server runs another configuration generation (a reload starts the
// new generation's loops) or drains.
#include <memory>

#include "server/runtime.hpp"

namespace certgate::server {

class Server;
class Worker;

void start_health_checks(Server& server, Worker& worker, const std::shared_ptr<const Runtime>& rt);

}  // namespace certgate::server
