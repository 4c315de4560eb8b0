#pragma once
// Phases "render" and "relay" of the request path: an admitted, checked request goes to the upstream (a pooled
// connection, or a new one), its response comes back checked (h1::check_response) and rendered for the client,
// and each body streams piece by piece in between.
//
// - The request head is rendered from the checked request (h1::render_upstream_request): its framing is the
//   one certgate parsed, whatever the client's fields said.
// - A request body is relayed while the upstream's response heads are read: an upstream that answers before the
//   body is complete (a 413, a 401 during an upload), or answers and closes, has its response relayed to the
//   client, which is then closed; interim responses during the upload do not stop the body.
// - Interim responses (103 Early Hints) reach HTTP/1.1 clients (those sent during an upload once the body is
//   relayed or the final response comes); 100 Continue is certgate's own.
// - A request without a body and with an idempotent method goes again on a new connection when a pooled one
//   turns out to have been closed by the upstream.
// - The server is the one the host block's upstream chooses (proxy/upstream_group.hpp); one that cannot be
//   connected to is skipped for the next, since nothing was sent yet.
#include "http/access_log.hpp"
#include "http/request_check.hpp"
#include "server/client_address.hpp"
#include "server/connection_state.hpp"
#include "server/read_head.hpp"

namespace certgate::server {

struct ExchangeResult {
  bool keep_alive = false;  // the client connection may serve another request
};

// `client`: the address written to X-Forwarded-For and X-Real-IP. `last`: this is the connection's last request
// (limits, draining): the client is told Connection: close.
awaitable<ExchangeResult> forward_request(ConnectionState& cs, RequestParser& parser, const h1::CheckedRequest& req,
                                          const ClientAddress& client, bool last, http_log::AccessRecord& rec);

}  // namespace certgate::server
