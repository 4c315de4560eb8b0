#include "tls/host_selection.hpp"

#include "core/host_index.hpp"

namespace certgate::tls {

const config::HostPolicy& host_policy_for(const config::GatewayConfig& config, std::string_view name) {
  core::HostIndex index;  // the same index the server builds (ServerTls::build)
  for (std::size_t i = 0; i < config.hosts.size(); ++i) {
    for (const std::string& server_name : config.hosts[i].server_names) index.add(server_name, static_cast<int>(i));
  }
  int block = index.find(name);
  return block < 0 ? config.default_host : config.hosts[static_cast<std::size_t>(block)];
}

}  // namespace certgate::tls
