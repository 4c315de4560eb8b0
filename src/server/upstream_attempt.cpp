#include "server/upstream_attempt.hpp"

#include <spdlog/spdlog.h>

#include "server/server.hpp"
#include "server/worker.hpp"

namespace certgate::server {

void count_upstream_error(ConnectionState& cs, const proxy::UpstreamError& e, const Chosen& to, bool health) {
  using Kind = proxy::UpstreamError::Kind;
  metrics::UpstreamError kind = metrics::UpstreamError::other;
  switch (e.kind) {
    case Kind::refused: kind = metrics::UpstreamError::refused; break;
    case Kind::reset: kind = metrics::UpstreamError::reset; break;
    case Kind::timeout: kind = metrics::UpstreamError::timeout; break;
    case Kind::other: break;
  }
  cs.worker->metrics().upstream_error(kind);
  to.metrics->errors[static_cast<int>(kind)]->Increment();
  if (health) to.group->failed(to.index, e.reason);
}

void count_exchange_error(ConnectionState& cs, const proxy::UpstreamError& e, const Chosen& to) {
  count_upstream_error(cs, e, to, e.kind != proxy::UpstreamError::Kind::other);
}

awaitable<std::optional<proxy::UpstreamError>> with_upstream(ConnectionState& cs, const h1::CheckedRequest& req,
                                                            http_log::AccessRecord& rec, UpstreamAttempt& attempt) {
  const Runtime& rt = *cs.rt;
  const bool upgrade = !req.upgrade.empty();
  const proxy::UpstreamGroup& group = rt.upstream_for(cs.outcome->host);
  const config::UpstreamConfig& ucfg = group.config();
  cs.worker->sweep_pools(rt.generation);
  std::uint64_t tried = 0;
  for (;;) {
    const std::optional<std::size_t> pick = group.choose(tried);
    if (!pick) co_return std::nullopt;  // (not reached: the last server's failure is answered)
    tried |= std::uint64_t{1} << *pick;
    Chosen to{&group, *pick, &group.server(*pick), nullptr};
    to.metrics = &cs.worker->metrics().upstream_server(to.server->pool_key(), ucfg.name, to.server->label());
    rec.upstream_addr = to.server->label();
    // In flight on this server (least_conn), until the exchange ends.
    struct Active {
      std::atomic<std::uint32_t>& n;
      explicit Active(std::atomic<std::uint32_t>& c) : n(c) { n.fetch_add(1, std::memory_order_relaxed); }
      ~Active() { n.fetch_sub(1, std::memory_order_relaxed); }
    } active(to.server->active);
    proxy::UpstreamPool& pool = cs.worker->pool(to.server->pool_key(), to.metrics->idle);
    bool next_server = false;
    for (int round = 0; round < 2; ++round) {
      std::unique_ptr<proxy::UpstreamConnection> conn;
      // A request that cannot be retried (a body, or a method that is not idempotent) takes only a pooled
      // connection that still looks alive.
      if (!upgrade && round == 0) conn = pool.take(rt.generation, !req.retry_safe);
      if (!conn) {
        proxy::UpstreamError err;
        conn = co_await proxy::connect_upstream(
            proxy::UpstreamTarget{&ucfg, &to.server->server(), &to.server->label(), group.tls_ctx(), rt.generation,
                                  rt.config.limits.upstream_connect_timeout, &cs.worker->deadlines()},
            &err);
        if (!conn) {
          count_upstream_error(cs, err, to, true);
          const std::uint64_t all = group.size() >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << group.size()) - 1;
          if ((tried & all) != all) {
            spdlog::debug("upstream {}: {}; trying another server", ucfg.name, err.reason);
            next_server = true;
            break;
          }
          rec.upstream_ms = 0;
          co_return err;
        }
      }
      const AttemptResult out = co_await attempt.run(*conn, to);
      if (out.upstream_reusable && !upgrade) pool.give_back(std::move(conn), ucfg.max_idle_per_worker);
      if (!out.retry) co_return std::nullopt;
      spdlog::debug("upstream keep-alive connection was stale; retrying on a new one");
    }
    if (!next_server) co_return std::nullopt;
  }
}

}  // namespace certgate::server
