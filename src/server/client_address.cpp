#include "server/client_address.hpp"

#include <spdlog/spdlog.h>

#include "log/escape.hpp"

namespace certgate::server {

ClientAddress client_address_of(const ConnectionState& cs, const boost::beast::http::request_header<>& head,
                                bool verified_edge) {
  ClientAddress out{cs.client_ip, false};
  const std::string& from = cs.rt->config.headers.client_ip_from;
  if (!verified_edge || from.empty()) return out;
  auto [first, last] = head.equal_range(boost::beast::string_view(from.data(), from.size()));
  if (first == last) return out;
  if (std::next(first) != last) {
    spdlog::warn("{}: {} sent more than once: ignored, the peer's address is forwarded", cs.client, from);
    return out;
  }
  const auto v = first->value();
  const std::string value(v.data(), v.size());
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(value, ec);
  if (ec) {
    spdlog::warn("{}: {} '{}' is not an IP address: ignored, the peer's address is forwarded", cs.client, from,
                 logging::text_escape_unquoted(value.substr(0, 200)));
    return out;
  }
  out.ip = address.to_string();
  out.from_edge_field = true;
  return out;
}

}  // namespace certgate::server
