#pragma once
// One CA or edge certificate of a `certgate pki` directory as JSON and as a status line (schema in docs/tools.md).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tls/pki_store.hpp"

namespace certgate::cli {

// "active", "retired" or "expired" (expired wins over active, not over retired).
std::string pki_state(const tls::PkiEntry& entry, std::int64_t now);
// Whole days from now to notAfter (negative once expired).
std::int64_t pki_days_left(const tls::PkiEntry& entry, std::int64_t now);
// The Cloudflare alert marks the entry has passed: 30 and 14 days before notAfter (empty when retired).
std::vector<int> pki_warnings(const tls::PkiEntry& entry, std::int64_t now);

nlohmann::ordered_json pki_entry_json(const tls::PkiEntry& entry, std::int64_t now);

}  // namespace certgate::cli
