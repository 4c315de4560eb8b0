#pragma once
// `certgate iis import`: the effective IIS mapping of one location path (one file, or several merged from
// the server down) turned into certgate TOML that says where every mapping came from. The TOML is read
// back with parse_toml before it is returned, and must give the same policy as read_iis (anything else
// is refused).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/iis_source_map.hpp"
#include "config/load.hpp"

namespace certgate::config {

struct IisImport {
  std::string location;                     // the location imported; "" = the top level
  IisPolicy policy;                         // as read_iis reads it
  std::vector<IisLocationEntry> locations;  // every place of the files with a mapping section
  std::string toml;
};

// files: from the server down (applicationHost.config, then web.config files). location: the path to
// import ("" = the top level); nullopt = the only place in the files with a mapping section
// (IisLocationChoiceError, naming --location, when there are several). Throws ConfigError with
// file:line:column for anything read_iis refuses.
IisImport import_iis(const std::vector<IisText>& files, const std::optional<std::string>& location);
IisImport import_iis(std::string_view xml, const std::string& file, const std::optional<std::string>& location);

}  // namespace certgate::config
