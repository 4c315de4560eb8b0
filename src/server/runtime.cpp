#include "server/runtime.hpp"

#include "server/crl_watch.hpp"
#include "tls/upstream_tls.hpp"

namespace certgate::server {

std::shared_ptr<const Runtime> build_runtime(config::GatewayConfig cfg, std::uint64_t generation) {
  auto rt = std::make_shared<Runtime>();
  rt->generation = generation;
  // Stamped before they are read: a change while they are read is seen again at the next check.
  rt->crl_files = stamp_files(crl_files_of(cfg));
  rt->tls = tls::ServerTls::build(cfg, generation);
  if (cfg.upstream.tls) rt->upstream_tls = tls::make_upstream_ctx(cfg.upstream);
  rt->header_rules = h1::HeaderRules::build(cfg.headers, cfg.upstream.upgrade);
  rt->config = std::move(cfg);
  return rt;
}

}  // namespace certgate::server
