#pragma once
// What crosses the gateway in each direction: inbound identity headers stripped and replaced by the ones
// the handshake established; hop-by-hop headers never forwarded.
#include <string_view>

#include <boost/beast/http/fields.hpp>

#include "config/gateway_config.hpp"
#include "http/identity.hpp"

namespace certgate::proxy {

// Request head towards the upstream. upgrade: keep Connection/Upgrade for a WebSocket/Upgrade tunnel.
void prepare_upstream_request(boost::beast::http::fields& h, const config::HeaderNames& names,
                              const http_id::IdentityValues& id, std::string_view client_ip, bool upgrade);

// Response head towards the client (hop-by-hop removed; Connection/keep-alive set by the caller).
void prepare_client_response(boost::beast::http::fields& h, bool upgrade);

// Removes the headers named in Connection and the standard hop-by-hop set.
void strip_hop_by_hop(boost::beast::http::fields& h, bool keep_upgrade);

}  // namespace certgate::proxy
