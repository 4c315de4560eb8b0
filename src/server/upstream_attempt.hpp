#pragma once
// Which upstream server a request goes to, shared by HTTP/1.1 requests and HTTP/2 streams: the server the host
// block's upstream balancing chooses (proxy/upstream_group.hpp), a pooled connection to it or a new one. A server
// that cannot be connected to (nothing of the request was sent) is marked failed and the next one is tried,
// until every server was; once bytes went out, a failure is answered (502/504 naming the server), never sent
// elsewhere. A stale pooled connection is retried on a new connection to the same server (retry_safe requests
// only).
#include <optional>

#include "http/access_log.hpp"
#include "http/request_check.hpp"
#include "metrics/metrics.hpp"
#include "proxy/upstream.hpp"
#include "proxy/upstream_group.hpp"
#include "server/connection_state.hpp"

namespace certgate::server {

// The server a request went to.
struct Chosen {
  const proxy::UpstreamGroup* group = nullptr;
  std::size_t index = 0;
  proxy::UpstreamServerState* server = nullptr;
  metrics::UpstreamServerMetrics* metrics = nullptr;
};

// Counted by kind and by server. `health`: the failure also counts against the server (passive health): every
// failure to connect, and a refusal, reset or timeout of an exchange (not a response certgate refused to relay).
void count_upstream_error(ConnectionState& cs, const proxy::UpstreamError& e, const Chosen& to, bool health);
// An exchange's failure: counted against the server unless it is of kind `other`.
void count_exchange_error(ConnectionState& cs, const proxy::UpstreamError& e, const Chosen& to);

struct AttemptResult {
  bool upstream_reusable = false;  // the connection goes back to the pool
  bool retry = false;              // a stale pooled connection: go again on a new one
};

// One exchange on a connection to the chosen server.
class UpstreamAttempt {
 public:
  virtual ~UpstreamAttempt() = default;
  virtual awaitable<AttemptResult> run(proxy::UpstreamConnection& conn, const Chosen& to) = 0;
};

// Runs `attempt` on a connection to the server chosen for the connection's host block. Returns the error to
// answer when no server could be connected to (counted already), nullopt once an exchange ran.
awaitable<std::optional<proxy::UpstreamError>> with_upstream(ConnectionState& cs, const h1::CheckedRequest& req,
                                                            http_log::AccessRecord& rec, UpstreamAttempt& attempt);

}  // namespace certgate::server
