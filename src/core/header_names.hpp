#pragma once
// Header names as the back ends behind a gateway read them. CGI, PHP, WSGI and IIS server variables turn a name
// into HTTP_X_CLIENT_IDENTITY, so "X-Client-Identity", "x_client_identity" and "X_CLIENT-identity" are one name to
// them: names are compared folded (lower case, '_' read as '-').
#include <span>
#include <string>
#include <string_view>

namespace certgate::core {

std::string fold_header_name(std::string_view name);

// The names certgate writes on every upstream request itself, from what it parsed (framing, routing, hop-by-hop,
// forwarding), folded. Neither a client nor the configuration's [headers] may bring another copy.
std::span<const std::string_view> names_certgate_writes();

}  // namespace certgate::core
