#pragma once
// The identity headers the upstream receives, rendered once per connection (and again when the connection is
// decided again after a reload): verify always, identity and mapping when the decision names them, the
// certificate's when one was presented; a header configured with an empty name is not sent.
#include <string>
#include <utility>
#include <vector>

#include "config/gateway_config.hpp"
#include "http/identity.hpp"

namespace certgate::h1 {

std::vector<std::pair<std::string, std::string>> identity_headers(const config::HeaderNames& names,
                                                                  const http_id::IdentityValues& id);

// "Name: value\r\n" for each of identity_headers(). A value can never end the line early: control characters
// (which the decision and the configuration already refuse) are written as \xHH.
std::string render_identity_block(const config::HeaderNames& names, const http_id::IdentityValues& id);

// `value` with every control character (0x00-0x1F but tab, 0x7F) as \xHH: safe inside a header line.
std::string header_safe(std::string_view value);

}  // namespace certgate::h1
