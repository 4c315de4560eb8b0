#include "proxy/header_policy.hpp"

#include <array>

#include <boost/beast/core/string.hpp>

namespace certgate::proxy {
namespace http = boost::beast::http;
using boost::beast::iequals;

namespace {

// The header names listed in Connection (RFC 9110 7.6.1): hop-by-hop too. Views into the message.
class ConnectionTokens {
 public:
  explicit ConnectionTokens(const http::fields& h) {
    for (const auto& f : h) {
      if (f.name() != http::field::connection) continue;
      std::string_view v = f.value();
      std::size_t pos = 0;
      while (pos <= v.size()) {
        std::size_t comma = v.find(',', pos);
        std::string_view tok = v.substr(pos, comma == std::string_view::npos ? v.size() - pos : comma - pos);
        while (!tok.empty() && (tok.front() == ' ' || tok.front() == '\t')) tok.remove_prefix(1);
        while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t')) tok.remove_suffix(1);
        if (!tok.empty()) tokens_.push_back(tok);
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
      }
    }
  }
  bool lists(std::string_view name, bool keep_upgrade) const {
    for (std::string_view t : tokens_) {
      if (!iequals(t, name)) continue;
      return !(keep_upgrade && iequals(t, "upgrade"));
    }
    return false;
  }

 private:
  std::vector<std::string_view> tokens_;
};

bool is_hop_by_hop(http::field f, bool keep_upgrade) {
  switch (f) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::trailer: return true;
    case http::field::upgrade: return !keep_upgrade;
    default: return false;
  }
}

// Every name an identity header may arrive under: the configured ones and the defaults (an origin set up for
// the defaults must not be fooled either).
bool is_identity_name(std::string_view name, const config::HeaderNames& names) {
  static const config::HeaderNames defaults;
  for (const config::HeaderNames* set : {&names, &defaults}) {
    for (const std::string* n : {&set->verify, &set->identity, &set->mapping, &set->subject, &set->issuer,
                                 &set->fingerprint, &set->serial, &set->client_cert}) {
      if (!n->empty() && iequals(name, *n)) return true;
    }
  }
  return false;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> identity_headers(const config::HeaderNames& names,
                                                                  const http_id::IdentityValues& id) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const std::string& name, const std::string& value) {
    if (!name.empty()) out.emplace_back(name, value);
  };
  add(names.verify, id.verify);
  if (!id.identity.empty()) add(names.identity, id.identity);
  if (!id.mapping.empty()) add(names.mapping, id.mapping);
  if (id.has_cert) {
    add(names.subject, id.subject);
    add(names.issuer, id.issuer);
    add(names.fingerprint, id.fingerprint);
    add(names.serial, id.serial);
    add(names.client_cert, id.client_cert);
  }
  return out;
}

std::string render_identity_block(const config::HeaderNames& names, const http_id::IdentityValues& id) {
  std::string block;
  for (const auto& [name, value] : identity_headers(names, id)) append_field(block, name, value);
  return block;
}

void render_upstream_request(std::string& out, const http::request_header<>& req, const config::HeaderNames& names,
                             std::string_view identity_block, std::string_view client_ip, bool upgrade) {
  out.clear();
  out.append(req.method_string());
  out.push_back(' ');
  out.append(req.target());
  out.append(" HTTP/1.1\r\n");
  const ConnectionTokens listed(req);
  // X-Forwarded-For: every inbound value, in order, then the client's address.
  std::string_view xff_first;
  std::string xff_more;
  for (const auto& f : req) {
    const http::field known = f.name();
    if (is_hop_by_hop(known, upgrade) || known == http::field::expect) continue;
    const std::string_view name = f.name_string();
    if (iequals(name, "X-Forwarded-For")) {
      if (xff_first.empty() && xff_more.empty()) {
        xff_first = f.value();
      } else {
        if (xff_more.empty()) xff_more.append(xff_first);
        xff_more.append(", ");
        xff_more.append(f.value());
      }
      continue;
    }
    if (iequals(name, "X-Forwarded-Proto") || is_identity_name(name, names) || listed.lists(name, upgrade)) continue;
    append_field(out, name, f.value());
  }
  out.append(identity_block);
  out.append("X-Forwarded-For: ");
  const std::string_view xff = xff_more.empty() ? xff_first : std::string_view(xff_more);
  if (!xff.empty()) {
    out.append(xff);
    out.append(", ");
  }
  out.append(client_ip);
  out.append("\r\nX-Forwarded-Proto: https\r\n");
  if (upgrade) out.append("Connection: upgrade\r\n");
  out.append("\r\n");
}

void render_client_response(std::string& out, const http::response_header<>& res, unsigned client_version,
                            bool keep_alive, bool upgrade) {
  out.clear();
  out.append(client_version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ");
  std::array<char, 4> code{};
  const unsigned status = res.result_int();
  code[0] = static_cast<char>('0' + status / 100 % 10);
  code[1] = static_cast<char>('0' + status / 10 % 10);
  code[2] = static_cast<char>('0' + status % 10);
  code[3] = ' ';
  out.append(code.data(), code.size());
  const std::string_view reason = res.reason();
  out.append(reason.empty() ? std::string_view(http::obsolete_reason(res.result())) : reason);
  out.append("\r\n");
  const ConnectionTokens listed(res);
  for (const auto& f : res) {
    const http::field known = f.name();
    if (is_hop_by_hop(known, upgrade) || known == http::field::server) continue;
    const std::string_view name = f.name_string();
    if (listed.lists(name, upgrade)) continue;
    append_field(out, name, f.value());
  }
  out.append("Server: certgate\r\n");
  if (upgrade) out.append("Connection: upgrade\r\n");
  else if (client_version >= 11 && !keep_alive) out.append("Connection: close\r\n");
  else if (client_version < 11 && keep_alive) out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
}

}  // namespace certgate::proxy
