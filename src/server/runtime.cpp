#include "server/runtime.hpp"

#include "server/crl_watch.hpp"

namespace certgate::server {

std::shared_ptr<const Runtime> build_runtime(config::GatewayConfig cfg, std::uint64_t generation) {
  auto rt = std::make_shared<Runtime>();
  rt->generation = generation;
  // Stamped before they are read: a change while they are read is seen again at the next check.
  rt->crl_files = stamp_files(crl_files_of(cfg));
  rt->tls = tls::ServerTls::build(cfg, generation);
  if (cfg.upstream.servers.empty() && !cfg.upstream.url.empty()) {
    cfg.upstream.servers.push_back(config::UpstreamServer{cfg.upstream.url, cfg.upstream.host, cfg.upstream.port, {}});
  }
  rt->upstreams.push_back(std::make_unique<proxy::UpstreamGroup>(cfg.upstream));
  for (const config::UpstreamConfig& u : cfg.upstreams) rt->upstreams.push_back(std::make_unique<proxy::UpstreamGroup>(u));
  auto group_of = [&](const std::string& name) -> std::size_t {
    if (name.empty()) return 0;
    for (std::size_t i = 0; i < cfg.upstreams.size(); ++i) {
      if (cfg.upstreams[i].name == name) return i + 1;
    }
    throw std::invalid_argument("unknown upstream '" + name + "'");
  };
  rt->upstream_of_block.push_back(0);  // the default block
  for (const config::HostPolicy& h : cfg.hosts) rt->upstream_of_block.push_back(group_of(h.upstream));
  rt->header_rules = h1::HeaderRules::build(cfg.headers, cfg.upstream.upgrade);
  rt->config = std::move(cfg);
  return rt;
}

}  // namespace certgate::server
