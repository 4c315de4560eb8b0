#pragma once
// Everything a worker needs to serve, built once from a GatewayConfig and never mutated afterwards (but for the
// upstream servers' health, which is atomics: proxy/upstream_group.hpp).
// A reload builds a new Runtime and swaps it in: new connections see the new one, old ones finish with theirs.
#include <cstdint>
#include <memory>
#include <vector>

#include "config/gateway_config.hpp"
#include "http/request_check.hpp"
#include "server/file_watch.hpp"
#include "proxy/upstream_group.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/server_tls.hpp"

namespace certgate::server {

struct Runtime {
  config::GatewayConfig config;
  std::shared_ptr<const tls::ServerTls> tls;
  // [upstream] first, then every [upstreams.NAME] in the file's order.
  std::vector<std::unique_ptr<proxy::UpstreamGroup>> upstreams;
  std::vector<std::size_t> upstream_of_block;  // by tls::HostRuntime::index: the block's upstream in `upstreams`
  h1::HeaderRules header_rules;  // reserved names and upgrades, compiled from [headers] and [upstream]
  std::uint64_t generation = 0;
  // The CRL files as they were just before this runtime read them: the CRL watcher rebuilds when they move.
  std::vector<WatchedFile> crl_files;

  proxy::UpstreamGroup& upstream_for(const tls::HostRuntime* block) const {
    const std::size_t i = block != nullptr && static_cast<std::size_t>(block->index) < upstream_of_block.size()
                              ? upstream_of_block[static_cast<std::size_t>(block->index)]
                              : 0;
    return *upstreams[i];
  }
};

// Throws tls::LoadError / std::invalid_argument / std::runtime_error naming what is wrong.
std::shared_ptr<const Runtime> build_runtime(config::GatewayConfig cfg, std::uint64_t generation);

}  // namespace certgate::server
