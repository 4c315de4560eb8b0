#pragma once
// A mapping policy written back as IIS configuration: the <iisClientCertificateMappingAuthentication>
// section, <anonymousAuthentication> and <access sslFlags>, as a pasteable XML file and as the
// equivalent appcmd.exe commands. The inverse of parse_iis (for everything IIS can express).
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapping_policy.hpp"

namespace certgate::config {

// A value that IIS configuration cannot carry (e.g. a control character in a mapping name).
class IisWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IisExport {
  core::MappingPolicy mapping;
  core::ClientCertMode mode = core::ClientCertMode::require;
  std::string location;  // "" = a site's web.config; otherwise wrapped in <location path="...">
};

// The sslFlags IIS uses for each mode: "Ssl", "Ssl, SslNegotiateCert", "Ssl, SslNegotiateCert, SslRequireCert".
std::string_view ssl_flags_for(core::ClientCertMode mode);

// An XML attribute value: & < > " ' escaped, and tab, LF, CR as character references (an XML parser
// would otherwise turn them into spaces). Throws IisWriteError for characters XML 1.0 cannot hold.
std::string xml_attribute_escape(std::string_view value);

// The whole file: <?xml?>, <configuration>, [<location path>], <system.webServer><security> with
// <access>, <authentication> (<anonymousAuthentication>, the mapping section with <clear/> first in each
// collection, so that the listed mappings are exactly the ones in force). Throws IisWriteError.
std::string iis_configuration_xml(const IisExport& in);

// appcmd.exe commands writing the same settings to applicationHost.config for `config_path` (a site,
// "Site/app"): clear the section, set the switches, add every mapping and rule, anonymous, sslFlags.
// A mapping with a value appcmd cannot quote (' " % or a control character) becomes a "REM" line
// that says so; encrypted passwords are left out (appcmd encrypts what it is given; an
// [enc:...:enc] value from another machine cannot be reused). Throws IisWriteError for a config_path
// that cannot be quoted.
std::vector<std::string> appcmd_commands(const IisExport& in, const std::string& config_path);

}  // namespace certgate::config
