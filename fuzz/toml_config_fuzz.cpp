// libFuzzer driver: the TOML configuration loader, config::parse_toml, on arbitrary text.
// ConfigError is the one expected answer to bad input. Any other exception, a crash, a sanitizer
// report, or an accepted configuration whose policies do not compile or decide consistently is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config_error.hpp"
#include "config/load.hpp"
#include "fuzz_support.hpp"

namespace {

// Relative paths in the text (one-to-one `certificate`, `iis_config`) resolve under a directory that
// does not exist, so the fuzzer exercises the "cannot read" paths instead of the disk.
const std::string kConfigFile = "/nonexistent-certgate-fuzz/certgate.toml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certgate;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  config::GatewayConfig config;
  try {
    config = config::parse_toml(text, kConfigFile);
  } catch (const config::ConfigError&) {
    return 0;
  }
  const core::CertDigest& leaf = fuzz::cloudflare_leaf();
  fuzz::exercise_policy(config.default_host.mapping, config.default_host.tls.mode, leaf);
  for (const config::HostPolicy& host : config.hosts) fuzz::exercise_policy(host.mapping, host.tls.mode, leaf);
  return 0;
}
