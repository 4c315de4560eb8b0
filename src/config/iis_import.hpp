#pragma once
// `certgate iis import`: an IIS web.config / applicationHost.config location turned into certgate TOML
// that says where every mapping came from. The TOML is read back with parse_toml before it is
// returned, and must give the same policy as parse_iis (anything else is refused).
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
  IisPolicy policy;                         // as parse_iis reads it
  IisLocationFacts facts;                   // raw sslFlags / enabled, for the comments
  std::vector<IisLocationEntry> locations;  // every location of the file with a mapping section
  std::string toml;
};

// No location was chosen and the file has several with a mapping section.
class IisLocationChoiceError : public ConfigError {
 public:
  IisLocationChoiceError(const std::string& file, std::vector<IisLocationEntry> locations);
  const std::vector<IisLocationEntry>& locations() const { return locations_; }

 private:
  std::vector<IisLocationEntry> locations_;
};

// location: the <location path> to import ("" = the top level); nullopt = the only place in the file
// with a mapping section (IisLocationChoiceError when there are several). Throws ConfigError with
// file:line:column for anything parse_iis refuses.
IisImport import_iis(std::string_view xml, const std::string& file, const std::optional<std::string>& location);

}  // namespace certgate::config
