#pragma once
// Everything a worker needs to serve, built once from a GatewayConfig and never mutated afterwards.
// A reload builds a new Runtime and swaps it in: new connections see the new one, old ones finish with theirs.
#include <cstdint>
#include <memory>

#include "config/gateway_config.hpp"
#include "http/request_check.hpp"
#include "server/file_watch.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/server_tls.hpp"

namespace certgate::server {

struct Runtime {
  config::GatewayConfig config;
  std::shared_ptr<const tls::ServerTls> tls;
  tls::SslCtxPtr upstream_tls;  // null for an http:// upstream
  h1::HeaderRules header_rules;  // reserved names and upgrades, compiled from [headers] and [upstream]
  std::uint64_t generation = 0;
  // The CRL files as they were just before this runtime read them: the CRL watcher rebuilds when they move.
  std::vector<WatchedFile> crl_files;
};

// Throws tls::LoadError / std::invalid_argument / std::runtime_error naming what is wrong.
std::shared_ptr<const Runtime> build_runtime(config::GatewayConfig cfg, std::uint64_t generation);

}  // namespace certgate::server
