#include "config/iis_source_map.hpp"

#include <algorithm>

namespace certgate::config {

std::vector<IisLocationEntry> iis_mapping_locations(std::string_view xml, const std::string& file) {
  IisDocument document{std::string(xml), file};
  std::vector<IisLocationEntry> out;
  std::vector<std::string> seen;
  for (const IisScope& scope : document.scopes()) {
    std::vector<pugi::xml_node> sections = document.find(scope, kIisMappingSectionPath);
    if (sections.empty() || std::find(seen.begin(), seen.end(), scope.key) != seen.end()) continue;
    seen.push_back(scope.key);
    if (scope.key.empty()) {
      // The top level (or <location path=".">) comes first.
      out.insert(out.begin(), {"", scope.is_location ? scope.where : document.at(sections.front())});
    } else {
      out.push_back({scope.path, scope.where});
    }
  }
  return out;
}

}  // namespace certgate::config
