#include "http/client_response.hpp"

#include <array>
#include <charconv>

#include <boost/beast/core/string.hpp>

#include "core/ascii.hpp"
#include "http/field_lists.hpp"
#include "http/head_writer.hpp"
#include "http/http_date.hpp"
#include "http/status_text.hpp"

namespace certgate::h1 {
namespace http = boost::beast::http;

namespace {

ResponseCheck refuse(std::string why) { return ResponseCheck{std::nullopt, std::move(why)}; }

bool is_digits(std::string_view v) {
  return !v.empty() && v.size() <= 19 && v.find_first_not_of("0123456789") == std::string_view::npos;
}

void append_status_line(std::string& out, unsigned version, unsigned status, std::string_view reason) {
  out.append(version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ");
  append_number(out, status);
  out.push_back(' ');
  out.append(reason);
  out.append("\r\n");
}

std::string_view reason_of(const http::response_header<>& head) {
  const std::string_view reason = head.reason();
  return reason.empty() ? std::string_view(http::obsolete_reason(head.result())) : reason;
}

// Fields the client never gets from the upstream as they came: hop-by-hop ones, the framing certgate renders
// itself, and Server, which it replaces. A 101 keeps Upgrade.
bool is_rendered_by_certgate(http::field f, bool upgrade) {
  if (f == http::field::upgrade) return !upgrade;
  return is_hop_scoped(f) || f == http::field::server;
}

// The end-to-end fields rendered into `out`, and whether there was a Date.
bool append_end_to_end(std::string& out, const http::response_header<>& head, bool upgrade) {
  bool has_date = false;
  for (const EndToEndField& f : end_to_end_fields(head, upgrade)) {
    has_date = has_date || f.date;
    append_field(out, f.name, f.value);
  }
  return has_date;
}

void append_via(std::string& out, const http::response_header<>& head) {
  out.append("Via: ");
  for (const auto& f : head) {
    if (f.name() != http::field::via) continue;
    out.append(f.value());
    out.append(", ");
  }
  out.append("1.1 certgate\r\n");
}

}  // namespace

// An accepted 101 keeps its Upgrade, which its Connection lists as every 101 does: the client reads the protocol
// switched to there (RFC 9110 7.8). Date is a singleton (RFC 9110 6.6.1): only the first is kept.
std::vector<EndToEndField> end_to_end_fields(const http::response_header<>& head, bool upgrade) {
  std::vector<EndToEndField> out;
  const FieldViews listed = connection_options(head);
  bool has_date = false;
  for (const auto& f : head) {
    if (is_rendered_by_certgate(f.name(), upgrade)) continue;
    if (f.name() == http::field::date && has_date) continue;
    const std::string_view name = f.name_string();
    if (!listed.empty() && listed_in(listed, name) && !(upgrade && f.name() == http::field::upgrade)) continue;
    const bool date = f.name() == http::field::date;
    has_date = has_date || date;
    out.push_back(EndToEndField{name, f.value(), date});
  }
  return out;
}

ResponseCheck check_response(const http::response_header<>& head, bool head_request, const CheckedRequest& req) {
  CheckedResponse out;
  out.status = head.result_int();
  if (out.status < 100 || out.status > 599) return refuse("upstream status " + std::to_string(out.status) + " is not 100..599");

  FieldViews lengths, codings, upgrades;
  for (const auto& f : head) {
    switch (f.name()) {
      case http::field::content_length: lengths.push_back(f.value()); break;
      case http::field::transfer_encoding: codings.push_back(f.value()); break;
      case http::field::upgrade: upgrades.push_back(f.value()); break;
      default: break;
    }
  }
  if (lengths.size() > 1) return refuse("upstream response with more than one Content-Length");
  if (!lengths.empty() && !is_digits(lengths.front())) {
    return refuse("upstream Content-Length '" + std::string(lengths.front()) + "' is not a number");
  }
  if (!codings.empty()) {
    if (!lengths.empty()) return refuse("upstream response with both Content-Length and Transfer-Encoding");
    if (head.version() < 11) return refuse("upstream HTTP/1.0 response with Transfer-Encoding");
    if (codings.size() > 1 || !core::ascii::equals_folded(trim_ows(codings.front()), "chunked")) {
      return refuse("upstream Transfer-Encoding '" + std::string(codings.front()) + "' is not exactly chunked");
    }
  }

  if (out.status == 101) {
    if (req.upgrade.empty()) return refuse("upstream switched protocols without an upgrade request");
    // One Upgrade field naming one protocol: with two, which one was chosen would be the client's guess.
    if (upgrades.size() > 1) return refuse("upstream switched protocols with more than one Upgrade field");
    const std::string_view upgrade = upgrades.empty() ? std::string_view() : upgrades.front();
    FieldViews chosen, offered;
    // The field is relayed as it came: a list read leniently here (", websocket") is not the value a strict
    // client compares.
    const bool well_formed = split_list(upgrade, chosen);
    split_list(req.upgrade, offered);
    bool known = well_formed && chosen.size() == 1;
    if (known) {
      known = false;
      for (std::string_view o : offered) known = known || boost::beast::iequals(o, chosen.front());
    }
    if (!known) return refuse("upstream switched to '" + std::string(upgrade) + "', which was not offered");
    out.upgrade = true;
    return ResponseCheck{out, {}};
  }

  if (head_request || out.status / 100 == 1 || out.status == 204 || out.status == 304) {
    out.framing = BodyFraming::none;
    if (!lengths.empty()) out.declared_length = lengths.front();
    out.declared_chunked = !codings.empty();
  } else if (!codings.empty()) {
    out.framing = BodyFraming::chunked;
  } else if (!lengths.empty()) {
    out.framing = BodyFraming::length;
    for (char c : lengths.front()) out.length = out.length * 10 + static_cast<std::uint64_t>(c - '0');
  } else {
    out.framing = BodyFraming::until_close;
  }
  return ResponseCheck{out, {}};
}

ClientFraming client_framing(const CheckedResponse& res, unsigned client_version, bool keep_alive) {
  ClientFraming out{res.framing, keep_alive};
  if (res.framing == BodyFraming::chunked && client_version < 11) {
    // An HTTP/1.0 client cannot read chunked framing: the plain bytes, ended by closing.
    out.framing = BodyFraming::until_close;
  }
  // Nothing else delimits a body that ends when the connection closes.
  if (out.framing == BodyFraming::until_close) out.keep_alive = false;
  return out;
}

void render_client_response(std::string& out, const http::response_header<>& head, const CheckedResponse& res,
                            const ClientFraming& framing, unsigned client_version) {
  out.clear();
  append_status_line(out, client_version, res.status, reason_of(head));
  const bool has_date = append_end_to_end(out, head, res.upgrade);
  if (!has_date) append_field(out, "Date", http_date_now());
  out.append("Server: certgate\r\n");
  append_via(out, head);
  switch (framing.framing) {
    case BodyFraming::none:
      if (!res.declared_length.empty()) append_field(out, "Content-Length", res.declared_length);
      else if (res.declared_chunked && client_version >= 11) out.append("Transfer-Encoding: chunked\r\n");
      break;
    case BodyFraming::length:
      out.append("Content-Length: ");
      append_number(out, res.length);
      out.append("\r\n");
      break;
    case BodyFraming::chunked: out.append("Transfer-Encoding: chunked\r\n"); break;
    case BodyFraming::until_close: break;
  }
  if (res.upgrade) out.append("Connection: upgrade\r\n");
  else if (client_version >= 11 && !framing.keep_alive) out.append("Connection: close\r\n");
  else if (client_version < 11 && framing.keep_alive) out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
}

void render_interim_response(std::string& out, const http::response_header<>& head) {
  out.clear();
  append_status_line(out, 11, head.result_int(), reason_of(head));
  append_end_to_end(out, head, false);
  out.append("\r\n");
}

std::string render_own_response(int status, unsigned client_version, std::string_view body) {
  std::string out;
  out.reserve(200 + body.size());
  append_status_line(out, client_version, static_cast<unsigned>(status), http_status::reason_phrase(status));
  append_field(out, "Date", http_date_now());
  out.append("Server: certgate\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n");
  out.append("Content-Length: ");
  append_number(out, body.size());
  out.append("\r\nConnection: close\r\n\r\n");
  out.append(body);
  return out;
}

}  // namespace certgate::h1
