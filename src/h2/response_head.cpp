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

Fields own_response_fields(std::size_t body_size) {
  return Fields{{"date", std::string(h1::http_date_now())},
                {"server", "certgate"},
                {"content-type", "text/plain; charset=utf-8"},
                {"cache-control", "no-store"},
                {"content-length", std::to_string(body_size)}};
}

}  // namespace certgate::h2
