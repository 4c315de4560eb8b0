#include "server/health_checks.hpp"

#include <spdlog/spdlog.h>

#include "proxy/health_probe.hpp"
#include "server/server.hpp"
#include "server/worker.hpp"

namespace certgate::server {
namespace {

void log_exception(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("upstream health check failed: {}", ex.what());
  }
}

awaitable<void> check_loop(Server* server, Worker* worker, std::shared_ptr<const Runtime> rt, std::size_t g,
                           std::size_t i) {
  const proxy::UpstreamGroup& group = *rt->upstreams[g];
  proxy::UpstreamServerState& state = group.server(i);
  const config::UpstreamConfig& cfg = group.config();
  const config::HealthCheck& hc = *cfg.health_check;
  steady_timer timer(worker->ioc());
  while (server->generation() == rt->generation && !worker->draining()) {
    const proxy::UpstreamTarget target{&cfg,          &state.server(), &state.label(), group.tls_ctx(), rt->generation,
                                       hc.timeout,    &worker->deadlines()};
    const std::string failure = co_await proxy::probe_server(target, &hc.path, hc.timeout);
    if (server->generation() != rt->generation) break;
    if (state.set_check(failure.empty(), proxy::UpstreamGroup::now())) {
      if (failure.empty()) spdlog::info("upstream {} server {} passed its health check: up", cfg.name, state.label());
      else spdlog::warn("upstream {} server {} failed its health check: down ({})", cfg.name, state.label(), failure);
    }
    timer.expires_after(hc.interval);
    co_await timer.async_wait(use_tuple);
  }
}

}  // namespace

void start_health_checks(Server& server, Worker& worker, const std::shared_ptr<const Runtime>& rt) {
  for (std::size_t g = 0; g < rt->upstreams.size(); ++g) {
    if (!rt->upstreams[g]->config().health_check) continue;
    for (std::size_t i = 0; i < rt->upstreams[g]->size(); ++i) {
      asio::co_spawn(worker.ioc(), check_loop(&server, &worker, rt, g, i), log_exception);
    }
  }
}

}  // namespace certgate::server
