// libFuzzer driver: the IIS web.config / applicationHost.config reader, config::parse_iis, on arbitrary
// XML, for the top-level section (location ""). ConfigError is the one expected answer to bad input;
// anything else, or an accepted mapping that does not compile or decide consistently, is a finding.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "config/config_error.hpp"
#include "config/load.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace certgate;

// The <location path> blocks the file has a mapping section in are read too, at most this many.
constexpr std::size_t kMaxLocations = 4;
// Read as well when the file has no top-level section (the seed corpus uses this path).
const std::string kSeedLocation = "Default Web Site/app";

std::optional<config::IisPolicy> read(std::string_view xml, const std::string& location) {
  try {
    return config::parse_iis(xml, "web.config", location);
  } catch (const config::ConfigError&) {
    return std::nullopt;
  }
}

void exercise(const config::IisPolicy& policy) {
  fuzz::exercise_policy(policy.mapping, policy.mode.value_or(core::ClientCertMode::require), fuzz::cloudflare_leaf());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  std::optional<config::IisPolicy> top = read(xml, "");
  if (!top) {
    if (auto located = read(xml, kSeedLocation)) exercise(*located);
    return 0;
  }
  exercise(*top);
  for (std::size_t i = 0; i < top->locations.size() && i < kMaxLocations; ++i) {
    if (auto located = read(xml, top->locations[i])) exercise(*located);
  }
  return 0;
}
