#pragma once
// Where things are in an IIS file, for `certgate iis import`: which locations hold a client-certificate
// mapping section (to ask the operator to choose), and the raw sslFlags / enabled text of one location
// (for the comments of the TOML it writes). parse_iis remains the one reader of the policy itself.
#include <string>
#include <string_view>
#include <vector>

#include "core/source_pos.hpp"

namespace certgate::config {

struct IisLocationEntry {
  std::string path;       // as written in <location path="...">; "" = the top-level <system.webServer>
  core::SourcePos where;  // the <location> element (the mapping section itself for the top level)
};

// Every place with an <iisClientCertificateMappingAuthentication> section: the top level first (when it
// has one), then each distinct <location path> in file order (paths compared as parse_iis does: ignoring
// case and leading/trailing '/'). Throws ConfigError on XML syntax errors.
std::vector<IisLocationEntry> iis_mapping_locations(std::string_view xml, const std::string& file);

// How parse_iis compares location paths: "/Default Web Site/app/" -> "default web site/app"; "." -> "".
std::string iis_location_key(std::string_view path);

struct IisLocationFacts {
  std::string ssl_flags;            // <access sslFlags> as written ("" when absent)
  core::SourcePos ssl_flags_where;  // the <access> element
  std::string section_enabled;      // the mapping section's enabled attribute as written ("" when absent)
  core::SourcePos section_where;    // the mapping section
};

// The facts of one location ("" = top level), found as parse_iis finds them. Throws ConfigError on
// XML syntax errors; a location without the elements gives empty fields.
IisLocationFacts iis_location_facts(std::string_view xml, const std::string& file, const std::string& location);

}  // namespace certgate::config
