#pragma once
// The names IIS uses for certificate subfields, for showing a certificate the way a rule is written.
#include <string>
#include <string_view>

namespace certgate::core {

// Dotted OID -> the IIS subfield name a rule would use ("2.5.4.8" -> "S", pkcs9 email -> "E"), or "" when
// IIS has no name for it (a rule can still name the attribute by its dotted OID).
std::string_view iis_subfield_name(std::string_view oid);

}  // namespace certgate::core
