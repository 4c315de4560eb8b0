#include "http/upstream_request.hpp"

#include <boost/beast/core/string.hpp>

#include "http/head_writer.hpp"

namespace certgate::h1 {
namespace http = boost::beast::http;

namespace {

// Fields that only concern one hop, or that certgate writes itself from what it parsed.
bool is_rendered_by_certgate(http::field f) {
  return is_hop_scoped(f) || f == http::field::host || f == http::field::expect;
}

// "a, b, " from every field line named `name` (exactly, ignoring case), or nothing when there is none.
void append_joined(std::string& out, const http::request_header<>& head, std::string_view name) {
  bool first = true;
  for (const auto& field : head) {
    if (!boost::beast::iequals(field.name_string(), name)) continue;
    if (!first) out.append(", ");
    out.append(field.value());
    first = false;
  }
  if (!first) out.append(", ");
}

}  // namespace

void render_upstream_request(std::string& out, const CheckedRequest& req, const http::request_header<>& head,
                             const HeaderRules& rules, std::string_view identity_block, std::string_view client_ip,
                             std::string_view request_id_name, std::string_view request_id,
                             bool keep_client_ip_field) {
  out.clear();
  out.append(req.method);
  out.push_back(' ');
  out.append(req.target());
  out.append(" HTTP/1.1\r\nHost: ");
  req.authority.append_authority(out);
  out.append("\r\n");
  const FieldViews listed = connection_options(head);
  for (const auto& f : head) {
    if (is_rendered_by_certgate(f.name())) continue;
    const std::string_view name = f.name_string();
    if (rules.drops_underscores() && name.find('_') != std::string_view::npos) continue;
    if (rules.is_reserved(name)) continue;
    // The field the edge's address was taken from passes under its exact name only (any case): another spelling
    // would be a second value to a back end that folds names.
    if (rules.is_client_ip_field(name) &&
        (!keep_client_ip_field || !boost::beast::iequals(name, rules.client_ip_from()))) {
      continue;
    }
    if (!listed.empty() && listed_in(listed, name)) continue;
    append_field(out, name, f.value());
  }
  out.append(identity_block);
  if (!request_id_name.empty() && !request_id.empty()) append_field(out, request_id_name, request_id);
  out.append("X-Forwarded-For: ");
  append_joined(out, head, "X-Forwarded-For");
  out.append(client_ip);
  out.append("\r\nX-Real-IP: ");
  out.append(client_ip);
  out.append("\r\nX-Forwarded-Proto: https\r\nVia: ");
  append_joined(out, head, "Via");
  out.append("1.1 certgate\r\n");
  switch (req.framing) {
    case Framing::none: break;
    case Framing::length:
      out.append("Content-Length: ");
      append_number(out, req.length);
      out.append("\r\n");
      break;
    case Framing::chunked: out.append("Transfer-Encoding: chunked\r\n"); break;
  }
  if (!req.upgrade.empty()) {
    out.append("Upgrade: ");
    out.append(req.upgrade);
    out.append("\r\nConnection: upgrade\r\n");
  }
  out.append("\r\n");
}

}  // namespace certgate::h1
