#include "proxy/header_policy.hpp"

#include <string>
#include <vector>

namespace certgate::proxy {
namespace http = boost::beast::http;

void strip_hop_by_hop(http::fields& h, bool keep_upgrade) {
  // Tokens listed in Connection name further hop-by-hop headers.
  std::vector<std::string> listed;
  for (const auto& f : h) {
    if (f.name() != http::field::connection) continue;
    std::string_view v = f.value();
    std::size_t pos = 0;
    while (pos <= v.size()) {
      std::size_t comma = v.find(',', pos);
      std::string_view tok = v.substr(pos, comma == std::string_view::npos ? v.size() - pos : comma - pos);
      while (!tok.empty() && (tok.front() == ' ' || tok.front() == '\t')) tok.remove_prefix(1);
      while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t')) tok.remove_suffix(1);
      if (!tok.empty()) listed.emplace_back(tok);
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
  }
  for (const auto& name : listed) {
    if (keep_upgrade && boost::beast::iequals(name, "upgrade")) continue;
    h.erase(name);
  }
  h.erase(http::field::connection);
  h.erase(http::field::keep_alive);
  h.erase(http::field::proxy_connection);
  h.erase(http::field::te);
  h.erase(http::field::trailer);
  if (!keep_upgrade) h.erase(http::field::upgrade);
}

void prepare_upstream_request(http::fields& h, const config::HeaderNames& names, const http_id::IdentityValues& id,
                              std::string_view client_ip, bool upgrade) {
  strip_hop_by_hop(h, upgrade);
  // The gateway answers Expect: 100-continue itself once the request is admitted.
  h.erase(http::field::expect);
  // Every inbound copy of an identity header is a spoofing attempt: remove it before setting ours, under the
  // configured names and the default ones (an origin set up for the defaults must not be fooled either).
  static const config::HeaderNames defaults;
  for (const config::HeaderNames* set : {&names, &defaults}) {
    for (const std::string* name : {&set->verify, &set->identity, &set->mapping, &set->subject, &set->issuer,
                                    &set->fingerprint, &set->serial, &set->client_cert}) {
      if (!name->empty()) h.erase(*name);
    }
  }
  h.set(names.verify, id.verify);
  if (!id.identity.empty()) h.set(names.identity, id.identity);
  if (!id.mapping.empty()) h.set(names.mapping, id.mapping);
  if (id.has_cert) {
    h.set(names.subject, id.subject);
    h.set(names.issuer, id.issuer);
    h.set(names.fingerprint, id.fingerprint);
    h.set(names.serial, id.serial);
    h.set(names.client_cert, id.client_cert);
  }
  // X-Forwarded-For: append to any existing chain; X-Forwarded-Proto: what the client spoke to us.
  std::string xff;
  for (const auto& f : h) {
    if (!boost::beast::iequals(f.name_string(), "X-Forwarded-For")) continue;
    if (!xff.empty()) xff += ", ";
    xff += std::string(f.value());
  }
  if (!xff.empty()) xff += ", ";
  xff += std::string(client_ip);
  h.set("X-Forwarded-For", xff);
  h.set("X-Forwarded-Proto", "https");
  if (upgrade) h.set(http::field::connection, "upgrade");
}

void prepare_client_response(http::fields& h, bool upgrade) { strip_hop_by_hop(h, upgrade); }

}  // namespace certgate::proxy
