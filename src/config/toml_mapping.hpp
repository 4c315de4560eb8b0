#pragma once
// [mapping] / [host.mapping]: the identity mapping of one host block, as TOML.
#include <optional>
#include <string>

#include "config/gateway_config.hpp"
#include "config/toml_table.hpp"

namespace certgate::config {

// prefix is "mapping" or "host.mapping" (for messages). Fills mapping, or iis when the table names an
// IIS file instead. Throws ConfigError.
void read_mapping_table(const toml::table& table, const std::string& prefix, const std::string& file,
                        core::MappingPolicy& mapping, std::optional<IisSource>& iis);

}  // namespace certgate::config
