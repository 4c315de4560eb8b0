#include "cli/pki_entry_json.hpp"

#include "core/time_text.hpp"

namespace certgate::cli {

std::string pki_state(const tls::PkiEntry& entry, std::int64_t now) {
  if (entry.retired) return "retired";
  return entry.digest.not_after <= now ? "expired" : "active";
}

std::int64_t pki_days_left(const tls::PkiEntry& entry, std::int64_t now) {
  const std::int64_t seconds = entry.digest.not_after - now;
  return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}

std::vector<int> pki_warnings(const tls::PkiEntry& entry, std::int64_t now) {
  std::vector<int> marks;
  if (entry.retired || entry.digest.not_after <= now) return marks;
  for (int mark : {30, 14})
    if (entry.digest.not_after - now <= static_cast<std::int64_t>(mark) * 86400) marks.push_back(mark);
  return marks;
}

nlohmann::ordered_json pki_entry_json(const tls::PkiEntry& entry, std::int64_t now) {
  nlohmann::ordered_json j = {{"id", entry.id},
                              {"kind", entry.is_ca ? "ca" : "edge"},
                              {"state", pki_state(entry, now)},
                              {"subject", entry.digest.subject.rfc4514},
                              {"serial", entry.digest.serial_hex},
                              {"sha256", entry.digest.sha256_hex},
                              {"not_before", core::format_utc(entry.digest.not_before)},
                              {"not_after", core::format_utc(entry.digest.not_after)},
                              {"days_left", pki_days_left(entry, now)},
                              {"warnings", pki_warnings(entry, now)},
                              {"certificate", entry.cert_path},
                              {"key", entry.key_path}};
  if (!entry.is_ca) {
    j["hostnames"] = {entry.hostname};
    j["issuer_id"] = entry.issuer_id;
    j["upload_body"] = entry.upload_body_path;
  }
  return j;
}

}  // namespace certgate::cli
