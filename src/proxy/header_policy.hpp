#pragma once
// What crosses the gateway in each direction: inbound identity headers stripped and replaced by the ones
// the handshake established; hop-by-hop headers never forwarded.
//
// Heads are rendered straight into a byte string (the fields of the parsed message are read, never
// modified): one pass over the inbound fields, the connection's identity headers appended as one block
// rendered once per connection.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/message.hpp>

#include "config/gateway_config.hpp"
#include "http/identity.hpp"

namespace certgate::proxy {

// The identity headers the upstream receives, in order: verify always, identity and mapping when the
// decision names them, the certificate's when one was presented; a header configured with an empty name
// is not sent.
std::vector<std::pair<std::string, std::string>> identity_headers(const config::HeaderNames& names,
                                                                  const http_id::IdentityValues& id);

// "Name: value\r\n" for each of identity_headers(): rendered once per connection.
std::string render_identity_block(const config::HeaderNames& names, const http_id::IdentityValues& id);

// The request head the upstream receives, into `out` (replaced): HTTP/1.1; hop-by-hop headers (and those
// named in Connection), Expect and every inbound copy of an identity header (under the configured and the
// default names) left out; `identity_block` appended; X-Forwarded-For extended with `client_ip`;
// X-Forwarded-Proto: https. upgrade: Upgrade kept and Connection: upgrade.
void render_upstream_request(std::string& out, const boost::beast::http::request_header<>& req,
                             const config::HeaderNames& names, std::string_view identity_block,
                             std::string_view client_ip, bool upgrade);

// The response head the client receives, into `out` (replaced), in the client's HTTP version: hop-by-hop
// headers left out, Server: certgate, and the Connection header that says `keep_alive` in that version.
// upgrade (a 101): Upgrade kept and Connection: upgrade.
void render_client_response(std::string& out, const boost::beast::http::response_header<>& res,
                            unsigned client_version, bool keep_alive, bool upgrade);

}  // namespace certgate::proxy
