#pragma once
// PKCS#12 (.pfx / .p12) reading for the loaders.
#include <optional>
#include <string>
#include <string_view>

#include "tls/cert_loader.hpp"

namespace certgate::tls::detail {

// nullopt when the bytes are not PKCS#12 at all; throws LoadError naming `name` when they are but
// cannot be opened (wrong password, unsupported algorithm). The bundle's certs may be empty.
std::optional<CertBundle> read_pkcs12(std::string_view bytes, const std::string& name, const std::string& password);

}  // namespace certgate::tls::detail
