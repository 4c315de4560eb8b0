#pragma once
// One certificate as the operator tools show it (cert show, explain): text lines and a JSON object with
// stable field names (documented in docs/tools.md).
#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "tls/cert_info.hpp"

namespace certgate::cli {

// "RSA 3072 bits", "EC P-256 (256 bits)".
std::string key_text(const tls::CertInfo& info);
// "valid, 29 days left" / "expired 3000 days ago" / "not valid yet (starts in 5 days)".
std::string validity_text(const core::CertDigest& digest, std::int64_t now);

nlohmann::ordered_json cert_json(const tls::CertInfo& info, std::int64_t now);

// Every line, each starting with `indent`.
void print_cert(std::ostream& out, const tls::CertInfo& info, std::int64_t now, const std::string& indent);

// The IIS subfield lines of a name ("CN=edge.example.com", "S=California", ...), certificate order.
void print_iis_subfields(std::ostream& out, const core::DistinguishedName& name, const std::string& indent);

}  // namespace certgate::cli
