#include "admin/admin_routes.hpp"

namespace certgate::admin {

AdminReply route_admin(std::string_view method, std::string_view target, const AdminSources& sources) {
  AdminReply reply;
  if (method != "GET" && method != "HEAD") {
    reply.status = 405;
    reply.allow_header = true;
    reply.body = "only GET and HEAD\n";
    return reply;
  }
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/healthz") {
    reply.body = "ok\n";
  } else if (path == "/readyz") {
    std::string why = sources.not_ready_reason();
    if (why.empty()) {
      reply.body = "ready\n";
    } else {
      reply.status = 503;
      reply.body = "not ready: " + why + "\n";
    }
  } else if (path == "/metrics") {
    // Prometheus text exposition format 0.0.4.
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = sources.scrape();
  } else {
    reply.status = 404;
    reply.body = "not found: the admin endpoints are /healthz, /readyz and /metrics\n";
  }
  return reply;
}

}  // namespace certgate::admin
