#pragma once
// What the admin listener answers, apart from the sockets: GET and HEAD of /healthz, /readyz and /metrics.
#include <functional>
#include <string>
#include <string_view>

namespace certgate::admin {

struct AdminReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  bool allow_header = false;  // 405: the answer names the methods that are allowed
};

struct AdminSources {
  std::function<std::string()> not_ready_reason;  // "" when ready
  std::function<std::string()> scrape;            // the Prometheus text exposition
};

// target may carry a query string, which is ignored. HEAD gets GET's status and headers (the caller sends no body).
AdminReply route_admin(std::string_view method, std::string_view target, const AdminSources& sources);

}  // namespace certgate::admin
