#include "h2/response_head.hpp"

#include "core/ascii.hpp"
#include "http/http_date.hpp"

namespace certgate::h2 {
namespace http = boost::beast::http;
namespace {

std::string lower(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Fields response_fields(const http::response_header<>& head, const h1::CheckedResponse& res) {
  Fields out;
  bool has_date = false;
  for (const h1::EndToEndField& f : h1::end_to_end_fields(head, false)) {
    has_date = has_date || f.date;
    out.emplace_back(lower(f.name), std::string(f.value));
  }
  if (!has_date) out.emplace_back("date", std::string(h1::http_date_now()));
  out.emplace_back("server", "certgate");
  std::string via;
  for (const auto& f : head) {
    if (f.name() != http::field::via) continue;
    via.append(f.value());
    via.append(", ");
  }
  via.append("1.1 certgate");
  out.emplace_back("via", std::move(via));
  if (res.framing == h1::BodyFraming::length) out.emplace_back("content-length", std::to_string(res.length));
  else if (res.framing == h1::BodyFraming::none && !res.declared_length.empty()) {
    out.emplace_back("content-length", std::string(res.declared_length));
  }
  return out;
}

Fields relayed_response_fields(Fields upstream) {
  Fields out;
  bool has_date = false;
  std::string via;
  for (Field& f : upstream) {
    if (f.first == "server") continue;
    if (f.first == "via") {
      via.append(f.second).append(", ");
      continue;
    }
    has_date = has_date || f.first == "date";
    out.push_back(std::move(f));
  }
  if (!has_date) out.emplace_back("date", std::string(h1::http_date_now()));
  out.emplace_back("server", "certgate");
  out.emplace_back("via", via + "2 certgate");
  return out;
}

Fields upstream_request_fields(const http::request_header<>& rendered, std::string_view scheme,
                               bool client_te_trailers) {
  Fields out{{":method", std::string(rendered.method_string())},
             {":scheme", std::string(scheme)},
             {":authority", std::string(rendered[http::field::host])},
             {":path", std::string(rendered.target())}};
  for (const auto& f : rendered) {
    switch (f.name()) {
      case http::field::host:
      case http::field::connection:
      case http::field::keep_alive:
      case http::field::proxy_connection:
      case http::field::transfer_encoding:
      case http::field::upgrade:
      case http::field::te: continue;
      default: break;
    }
    out.emplace_back(lower(f.name_string()), std::string(f.value()));
  }
  if (client_te_trailers) out.emplace_back("te", "trailers");
  return out;
}

Fields own_response_fields(std::size_t body_size) {
  return Fields{{"date", std::string(h1::http_date_now())},
                {"server", "certgate"},
                {"content-type", "text/plain; charset=utf-8"},
                {"cache-control", "no-store"},
                {"content-length", std::to_string(body_size)}};
}

}  // namespace certgate::h2
