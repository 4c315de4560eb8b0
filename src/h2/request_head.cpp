#include "h2/request_head.hpp"

#include <array>
#include <string_view>

#include <boost/beast/core/string.hpp>

namespace certgate::h2 {
namespace http = boost::beast::http;
namespace {

bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 9113 8.2.1: lower case token characters only.
bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_tchar(c) || (c >= 'A' && c <= 'Z')) return false;
  }
  return true;
}

// RFC 9113 8.2.1: no NUL, CR or LF; no leading or trailing whitespace.
bool valid_value(std::string_view value) {
  for (char c : value) {
    if (c == '\0' || c == '\r' || c == '\n') return false;
  }
  if (!value.empty() && (value.front() == ' ' || value.front() == '\t' || value.back() == ' ' ||
                         value.back() == '\t')) {
    return false;
  }
  return true;
}

// RFC 9113 8.2.2.
bool connection_specific(std::string_view name) {
  static constexpr std::array<std::string_view, 5> kNames{"connection", "keep-alive", "proxy-connection",
                                                          "transfer-encoding", "upgrade"};
  for (std::string_view n : kNames) {
    if (name == n) return true;
  }
  return false;
}

TranslatedRequest refuse(int status, std::string reason) {
  TranslatedRequest out;
  out.status = status;
  out.reason = std::move(reason);
  return out;
}

// A field that fails the checks of both heads and trailers: why, or "" when it passes.
std::string field_problem(const Field& f) {
  if (!valid_name(f.first)) return "HTTP/2 field name is not a lower-case token";
  if (!valid_value(f.second)) return "HTTP/2 field '" + f.first + "' has a forbidden character or surrounding space";
  if (connection_specific(f.first)) return "connection-specific field '" + f.first + "' in HTTP/2";
  if (f.first == "te" && f.second != "trailers") return "HTTP/2 TE other than \"trailers\"";
  return {};
}

}  // namespace

TranslatedRequest translate_request(const Fields& fields) {
  std::optional<std::string_view> method, scheme, path, authority;
  bool regular_seen = false;
  for (const Field& f : fields) {
    const std::string_view name = f.first;
    if (!name.empty() && name.front() == ':') {
      if (regular_seen) return refuse(400, "HTTP/2 pseudo-header after a regular field");
      std::optional<std::string_view>* slot = nullptr;
      if (name == ":method") slot = &method;
      else if (name == ":scheme") slot = &scheme;
      else if (name == ":path") slot = &path;
      else if (name == ":authority") slot = &authority;
      else return refuse(400, "unknown HTTP/2 pseudo-header '" + f.first + "'");
      if (*slot) return refuse(400, "HTTP/2 pseudo-header '" + f.first + "' twice");
      if (!valid_value(f.second)) return refuse(400, "HTTP/2 pseudo-header '" + f.first + "' is malformed");
      *slot = f.second;
      continue;
    }
    regular_seen = true;
    if (std::string problem = field_problem(f); !problem.empty()) return refuse(400, std::move(problem));
  }
  if (method && *method == "CONNECT") return refuse(501, "CONNECT is not supported");
  if (!method || !scheme || !path) return refuse(400, "HTTP/2 request without :method, :scheme or :path");
  if (method->empty()) return refuse(400, "HTTP/2 :method is empty");
  for (char c : *method) {
    if (!is_tchar(c)) return refuse(400, "HTTP/2 :method is not a token");
  }
  if (*scheme != "https") return refuse(400, "HTTP/2 :scheme is not https");
  if (path->empty()) return refuse(400, "HTTP/2 :path is empty");
  if (*path == "*" ? *method != "OPTIONS" : path->front() != '/') {
    return refuse(400, "HTTP/2 :path is not origin-form (or \"*\" with OPTIONS)");
  }
  if (authority && authority->find('@') != std::string_view::npos) {
    return refuse(400, "HTTP/2 :authority with userinfo");
  }

  TranslatedRequest out;
  http::request_header<>& head = out.head.emplace();
  head.version(11);
  head.method_string(*method);
  head.target(*path);
  std::string cookie;
  std::optional<std::string_view> host;
  for (const Field& f : fields) {
    if (f.first.front() == ':') continue;
    if (f.first == "cookie") {
      if (!cookie.empty()) cookie.append("; ");
      cookie.append(f.second);
      continue;
    }
    if (f.first == "host") {
      if (host) return refuse(400, "HTTP/2 request with more than one Host");
      host = f.second;
      continue;
    }
    head.insert(f.first, f.second);
  }
  if (authority && host && !boost::beast::iequals(*authority, *host)) {
    return refuse(400, "HTTP/2 :authority and Host differ");
  }
  if (!authority && !host) return refuse(400, "HTTP/2 request without :authority or Host");
  head.set(http::field::host, authority ? *authority : *host);
  if (!cookie.empty()) head.set(http::field::cookie, cookie);
  return out;
}

void set_body_framing(http::request_header<>& head, bool end_stream, bool body_complete, std::uint64_t body_size) {
  if (end_stream) return;
  if (head.find(http::field::content_length) != head.end()) return;
  if (body_complete) head.set(http::field::content_length, std::to_string(body_size));
  else head.set(http::field::transfer_encoding, "chunked");
}

std::optional<Fields> forwardable_trailers(const Fields& trailers, const h1::HeaderRules& rules) {
  Fields out;
  for (const Field& f : trailers) {
    if (!f.first.empty() && f.first.front() == ':') return std::nullopt;
    if (!field_problem(f).empty()) return std::nullopt;
    if (rules.is_reserved(f.first) || f.first == "content-length" || f.first == "host" || f.first == "trailer") {
      continue;
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace certgate::h2
