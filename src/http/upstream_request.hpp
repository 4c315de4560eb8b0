#pragma once
// Phase "render the upstream head": the request head the origin receives, rendered straight to bytes from what
// check_request() established and from the end-to-end fields of the parsed head (read, never modified).
//
//   METHOD target HTTP/1.1              target in origin-form (an absolute-form target was reduced)
//   Host: <authority>                   the authority check_request() chose, never the client's Host as such
//   <end-to-end fields of the client>   without: hop-by-hop fields and those named in Connection, Host,
//                                       Content-Length, Transfer-Encoding, Expect, every reserved name in any
//                                       spelling (HeaderRules), names with '_' (unless kept)
//   <identity block>                    the connection's identity headers
//   X-Request-Id: <id>                  [headers] request_id, when named (the id is a safe token: http/request_id.hpp)
//   X-Forwarded-For: <client's>, <ip>   the client's values (the exact name only) then the client's address
//   X-Real-IP: <ip>                     the client's address
//   X-Forwarded-Proto: https
//   Via: <client's>, 1.1 certgate       (RFC 9110 7.6.3)
//   Content-Length: N | Transfer-Encoding: chunked    from the framing certgate parsed; nothing when no body
//   Upgrade: <allowed> + Connection: upgrade          only for an allowed upgrade
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>

#include "http/request_check.hpp"

namespace certgate::h1 {

// Into `out` (replaced). `client_ip`: the TCP peer's address, or the verified edge's [headers] client_ip_from
// value (server/client_address.hpp); `keep_client_ip_field`: that field is forwarded (only when its value was
// taken), otherwise it is dropped like a reserved name.
void render_upstream_request(std::string& out, const CheckedRequest& req, const boost::beast::http::request_header<>& head,
                             const HeaderRules& rules, std::string_view identity_block, std::string_view client_ip,
                             std::string_view request_id_name = {}, std::string_view request_id = {},
                             bool keep_client_ip_field = false);

}  // namespace certgate::h1
