#pragma once
// Where things are in an IIS file, for `certgate iis import`: which places hold a client-certificate
// mapping section (to ask the operator to choose). read_iis remains the one reader of the policy itself.
#include <string>
#include <string_view>
#include <vector>

#include "config/iis_document.hpp"
#include "config/load.hpp"

namespace certgate::config {

using IisLocationEntry = IisPlace;

// Every place with an <iisClientCertificateMappingAuthentication> section: the top level first (when it
// has one), then each distinct <location path> in file order (paths compared as read_iis does: ignoring
// case and leading/trailing '/'). Throws ConfigError on XML syntax errors.
std::vector<IisLocationEntry> iis_mapping_locations(std::string_view xml, const std::string& file);

}  // namespace certgate::config
