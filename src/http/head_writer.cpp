#include "http/head_writer.hpp"

#include <charconv>

#include <boost/beast/core/string.hpp>

namespace certgate::h1 {
namespace http = boost::beast::http;

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  auto r = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, static_cast<std::size_t>(r.ptr - digits));
}

bool is_hop_scoped(http::field f) {
  switch (f) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::trailer:
    case http::field::upgrade:
    case http::field::http2_settings:
    case http::field::content_length:
    case http::field::transfer_encoding:
    case http::field::via: return true;
    default: return false;
  }
}

FieldViews connection_options(const http::fields& fields) {
  FieldViews listed;
  for (const auto& f : fields) {
    if (f.name() == http::field::connection) split_list(f.value(), listed);
  }
  return listed;
}

bool listed_in(const FieldViews& listed, std::string_view name) {
  for (std::string_view t : listed) {
    if (boost::beast::iequals(t, name)) return true;
  }
  return false;
}

}  // namespace certgate::h1
