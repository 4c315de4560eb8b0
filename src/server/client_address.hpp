#pragma once
// The client address certgate writes upstream (X-Forwarded-For, X-Real-IP) for one request.
//
// On the verified edge (a client certificate that verified and was admitted: a CDN such as Cloudflare
// presenting its origin-pull certificate) it is the value of [headers] client_ip_from (CF-Connecting-IP), when the
// request has exactly one such field holding one IP address; that field then reaches the origin too. Anything
// else (no such field, two of them, a value that is not an address: logged) and every other connection: the TCP
// peer's address, and the field is stripped: nobody else can choose the address the origin sees.
#include <string>

#include <boost/beast/http/message.hpp>

#include "server/connection_state.hpp"

namespace certgate::server {

struct ClientAddress {
  std::string ip;
  bool from_edge_field = false;  // taken from client_ip_from: the field is forwarded
};

ClientAddress client_address_of(const ConnectionState& cs, const boost::beast::http::request_header<>& head,
                                bool verified_edge);

}  // namespace certgate::server
