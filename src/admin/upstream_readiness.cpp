#include "admin/upstream_readiness.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "proxy/upstream_group.hpp"
#include "server/server.hpp"

namespace certgate::admin {
namespace {

// Long enough for any origin that answers, short enough for a Kubernetes probe (timeoutSeconds defaults to 1).
constexpr auto kProbeTimeout = std::chrono::milliseconds(1000);

// Resolves and connects to one server, the connection closed at once: "" when it was accepted.
awaitable<std::string> connect_probe(const proxy::UpstreamServerState* state, std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  const config::UpstreamServer& server = state->server();
  tcp_resolver resolver(ex);
  auto [rec, results] = co_await resolver.async_resolve(server.host, std::to_string(server.port), use_tuple);
  if (rec) co_return "cannot resolve " + server.host + ": " + rec.message();
  beast::tcp_stream stream(ex);
  stream.expires_after(timeout);
  auto [cec, endpoint] = co_await stream.async_connect(results, use_tuple);
  error_code ignored;
  stream.socket().close(ignored);
  if (cec == beast::error::timeout) co_return "no connection within " + std::to_string(timeout.count()) + " ms";
  if (cec) co_return cec.message();
  co_return "";
}

}  // namespace

awaitable<std::string> upstream_not_ready(server::Server* server) {
  std::shared_ptr<const server::Runtime> rt = server->runtime();
  const config::Millis within = rt->config.admin.ready_upstream_within;
  if (within.count() == 0) co_return "";
  const std::int64_t horizon =
      proxy::UpstreamGroup::now() - std::chrono::duration_cast<std::chrono::nanoseconds>(within).count();
  const std::chrono::milliseconds timeout = std::min<std::chrono::milliseconds>(
      kProbeTimeout, std::min(within, rt->config.limits.upstream_connect_timeout));
  const std::set<std::size_t> used(rt->upstream_of_block.begin(), rt->upstream_of_block.end());
  for (std::size_t g : used) {
    const proxy::UpstreamGroup& group = *rt->upstreams[g];
    bool reached = false;
    for (std::size_t i = 0; i < group.size() && !reached; ++i) {
      const std::int64_t last = group.server(i).last_reached();
      reached = last != 0 && last >= horizon;
    }
    if (reached || group.size() == 0) continue;
    std::string errors;
    for (std::size_t i = 0; i < group.size() && !reached; ++i) {
      proxy::UpstreamServerState& state = group.server(i);
      std::string error = co_await connect_probe(&state, timeout);
      if (error.empty()) {
        state.reached(proxy::UpstreamGroup::now());
        reached = true;
      } else {
        errors += (errors.empty() ? "" : "; ") + state.label() + ": " + error;
      }
    }
    if (!reached) {
      const std::string span = within.count() % 1000 == 0 ? std::to_string(within.count() / 1000) + " s"
                                                          : std::to_string(within.count()) + " ms";
      co_return "upstream '" + group.config().name + "' not reached in the last " + span + " (" + errors + ")";
    }
  }
  co_return "";
}

}  // namespace certgate::admin
