#include "server/crl_warnings.hpp"

#include "core/time_text.hpp"

namespace certgate::server {

std::string crl_warning_text(const core::TimeLimit& crl, std::int64_t now, int stage) {
  const std::string which = "the CRL issued by '" + crl.name + "' (" + crl.file + ", host block " + crl.host_block + ")";
  if (stage >= 2) {
    return "CRL expired: " + which + " passed its nextUpdate at " + core::format_utc(crl.at) + ", " +
           core::duration_text(now - crl.at) + " ago: " +
           (crl.stale_admits ? "the client certificates it covers are admitted without current revocation data "
                               "(crl_expired = \"warn\"; the revocations it lists still apply)"
                             : "every client certificate it covers is refused (403.16, \"CRL expired\")") +
           "; replace the file with the CA's current CRL";
  }
  return which + " reaches its nextUpdate at " + core::format_utc(crl.at) + ", in " +
         core::duration_text(crl.at - now) + ": replace the file with the CA's next CRL before then, or " +
         (crl.stale_admits ? "the client certificates it covers are admitted without current revocation data "
                             "(crl_expired = \"warn\")"
                           : "every client certificate it covers is refused (403.16, \"CRL expired\")");
}

std::vector<std::string> CrlWarnings::due(const std::vector<core::TimeLimit>& limits, std::int64_t now,
                                          std::int64_t warn_before, bool loaded) {
  std::vector<std::string> out;
  std::map<std::string, Said> kept;
  for (const core::TimeLimit& limit : limits) {
    if (limit.kind != core::TimeLimit::Kind::crl || limit.at == 0) continue;
    const int stage = now >= limit.at ? 2 : limit.at - now <= warn_before ? 1 : 0;
    if (stage == 0) continue;
    const std::string key = limit.host_block + '\n' + limit.file + '\n' + limit.name + '\n' + std::to_string(limit.at);
    if (kept.count(key) != 0) continue;  // one file given twice
    auto before = said_.find(key);
    Said said = before == said_.end() || loaded ? Said{} : before->second;
    if (said.stage < stage || now - said.when >= kRepeatSeconds) {
      out.push_back(crl_warning_text(limit, now, stage));
      said = Said{stage, now};
    }
    kept.emplace(key, said);
  }
  said_ = std::move(kept);
  return out;
}

}  // namespace certgate::server
