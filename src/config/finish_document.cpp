// After the file and the flags: read the IIS files, then let each [[host]] inherit from the default block.
#include "config/admin_config.hpp"
#include "config/load.hpp"
#include "config/toml_document.hpp"
#include "config/upstreams_config.hpp"

namespace certgate::config {
namespace {

// The block's mapping comes from its IIS file; so does its mode, unless the block set one itself.
void apply_iis(HostPolicy& block, bool mode_explicit) {
  if (!block.iis) return;
  IisPolicy policy = load_iis_files(block.iis->files, block.iis->location);
  block.mapping = std::move(policy.mapping);
  block.notes = std::move(policy.notes);
  if (policy.mode && !mode_explicit) {
    block.tls.mode = *policy.mode;
    block.tls.mode_where = policy.ssl_flags_where;
  }
}

void inherit_tls(TlsSettings& tls, const TlsSettings& base, const ExplicitSettings& set) {
  if (!set.cert) tls.cert_file = base.cert_file;
  if (!set.key) tls.key_file = base.key_file;
  if (!set.client_ca) tls.client_ca = base.client_ca;
  if (!set.crl) tls.crl = base.crl;
  if (!set.crl_expired) tls.crl_expired = base.crl_expired;
  if (!set.mode) {
    tls.mode = base.mode;
    tls.mode_where = base.mode_where;
  }
  if (!set.verify_depth) tls.verify_depth = base.verify_depth;
  if (!set.min_version) tls.min_version = base.min_version;
  if (!set.ocsp) tls.ocsp = base.ocsp;
  if (!set.ocsp_responder) tls.ocsp_responder = base.ocsp_responder;
  if (!set.ocsp_fail) tls.ocsp_fail = base.ocsp_fail;
  if (!set.ocsp_timeout) tls.ocsp_timeout = base.ocsp_timeout;
  if (!set.alpn) {
    tls.alpn = base.alpn;
    tls.alpn_where = base.alpn_where;
  }
  if (!set.enforce) {
    tls.enforcement = base.enforcement;
    tls.enforce_where = base.enforce_where;
  }
}

}  // namespace

GatewayConfig finish_document(TomlDocument document) {
  GatewayConfig& config = document.config;
  HostPolicy& base = config.default_host;
  apply_iis(base, document.default_block.mode);
  for (std::size_t i = 0; i < config.hosts.size(); ++i) {
    HostPolicy& host = config.hosts[i];
    const ExplicitSettings& set = document.host_blocks[i];
    inherit_tls(host.tls, base.tls, set);
    if (set.mapping) {
      apply_iis(host, set.mode);
    } else {
      host.mapping = base.mapping;
      host.iis = base.iis;
      host.notes = base.notes;
    }
  }
  finish_upstreams(config);
  check_admin_address(config);
  return std::move(config);
}

}  // namespace certgate::config
