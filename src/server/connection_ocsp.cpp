#include "server/connection_ocsp.hpp"

#include <spdlog/spdlog.h>

#include <limits>

#include "proxy/ocsp_fetch.hpp"
#include "server/worker.hpp"
#include "tls/ocsp_block.hpp"
#include "tls/ocsp_request.hpp"
#include "tls/ocsp_response.hpp"
#include "tls/ocsp_verdict.hpp"

namespace certgate::server {
namespace {

// The responder to ask about `q`: ocsp_responder when set, else the first usable OCSP URL of its AIA. Without
// one, `lookup` gets the reason.
std::optional<core::HttpUrl> responder_for(const config::TlsSettings& t, const tls::OcspQuery& q, tls::OcspLookup& lookup) {
  if (!t.ocsp_responder.empty()) {
    lookup.responder = t.ocsp_responder;
    return core::parse_http_url(t.ocsp_responder).value;  // checked when the configuration was loaded
  }
  std::string refused;
  for (const std::string& text : q.urls) {
    core::HttpUrlResult url = core::parse_http_url(text);
    if (url) {
      lookup.responder = text;
      return url.value;
    }
    if (refused.empty()) refused = url.error;
  }
  lookup.answer.detail = q.urls.empty()
                             ? "no OCSP responder to ask: the certificate names none in its authorityInfoAccess and "
                               "ocsp_responder is not set"
                             : "no OCSP responder to ask: the certificate's OCSP URL cannot be used (" + refused +
                                   ") and ocsp_responder is not set";
  return std::nullopt;
}

std::string_view result_name(tls::OcspAnswer::Status s) {
  switch (s) {
    case tls::OcspAnswer::Status::good: return "good";
    case tls::OcspAnswer::Status::revoked: return "revoked";
    case tls::OcspAnswer::Status::unknown: return "unknown";
    case tls::OcspAnswer::Status::error: return "error";
  }
  return "error";
}

// One certificate: the cached answer, or the responder's (checked, then cached).
awaitable<void> look_up(ConnectionState& cs, tls::OcspBlock& block, const tls::OcspQuery& q, tls::OcspLookup& lookup) {
  const config::TlsSettings& t = cs.outcome->host->policy.tls;
  lookup.depth = q.depth;
  lookup.subject = q.subject;
  lookup.serial = q.serial;
  std::optional<core::HttpUrl> url = responder_for(t, q, lookup);
  if (!url) {
    cs.worker->metrics().ocsp_lookup("error", false);
    co_return;
  }
  if (auto hit = block.cache.find(q.key, std::time(nullptr))) {
    lookup.answer = hit->answer;
    lookup.expires = hit->expires;
    lookup.cached = true;
    cs.worker->metrics().ocsp_lookup(result_name(lookup.answer.status), true);
    co_return;
  }
  proxy::OcspFetch fetched = co_await proxy::fetch_ocsp(*url, q.request, t.ocsp_timeout, cs.worker->deadlines());
  if (!fetched.ok) {
    lookup.answer.detail = std::move(fetched.error);
  } else {
    lookup.answer = tls::check_ocsp_response(q, fetched.body, block.anchors.get());
    lookup.expires = block.cache.insert(q.key, lookup.answer, std::time(nullptr));
  }
  cs.worker->metrics().ocsp_lookup(result_name(lookup.answer.status), false);
  spdlog::debug("{}: OCSP responder {} about serial {} (depth {}): {} {}", cs.client, lookup.responder, q.serial,
                q.depth, result_name(lookup.answer.status), lookup.answer.detail);
}

}  // namespace

awaitable<void> check_ocsp(ConnectionState& cs) {
  cs.ocsp_valid_until = std::numeric_limits<std::time_t>::max();
  tls::HandshakeOutcome& o = *cs.outcome;
  // Only a chain that verified: a refused one is refused already, and no certificate has no status to ask.
  if (o.host == nullptr || !o.host->ocsp || !o.cert || o.verify.status != core::VerifyStatus::ok) co_return;
  const config::TlsSettings& t = o.host->policy.tls;
  tls::OcspBlock& block = *o.host->ocsp;
  SSL* ssl = cs.stream->native_handle();
  tls::OcspQueries queries = tls::ocsp_queries(ssl, block.anchors.get(), t.ocsp);
  std::vector<tls::OcspLookup> lookups(queries.queries.size());
  for (std::size_t i = 0; i < queries.queries.size(); ++i) co_await look_up(cs, block, queries.queries[i], lookups[i]);
  if (!queries.error.empty()) {
    tls::OcspLookup failed;
    failed.subject = o.cert->subject.rfc4514;
    failed.serial = o.cert->serial_hex;
    failed.answer.detail = queries.error;
    lookups.push_back(std::move(failed));
  }
  const tls::OcspVerdict verdict = tls::ocsp_verdict(lookups, t.ocsp_fail, std::time(nullptr));
  if (verdict.refused) {
    tls::apply_ocsp_refusal(ssl, verdict, o);
  } else if (!verdict.warning.empty()) {
    spdlog::warn("{}: {}; admitted because ocsp_fail = \"open\" (host block {})", cs.client, verdict.warning,
                 o.host->policy.name);
  }
  cs.ocsp_valid_until = verdict.valid_until;
}

}  // namespace certgate::server
