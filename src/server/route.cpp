#include "server/route.hpp"

namespace certgate::server {

std::optional<std::string> misdirected(const ConnectionState& cs, const h1::CheckedRequest& req) {
  const tls::HostRuntime& block = cs.rt->tls->host_for(req.authority.host);
  if (&block == cs.outcome->host) return std::nullopt;
  return "Host '" + req.authority.authority() + "' is served by another policy than SNI '" + cs.outcome->sni + "'";
}

}  // namespace certgate::server
