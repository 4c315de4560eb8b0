#pragma once
// Phase "validate and normalise" of the request path: the head Beast parsed is checked against RFC 9110/9112
// as a gateway must read it, and reduced to what certgate will forward. Nothing a client sends decides how
// certgate frames, routes or identifies the request: the framing, the authority and the upgrade are taken from
// here, and the upstream head is rendered from this result (upstream_request.hpp), never copied.
//
// Refused (the connection closes after the answer, since the rest of the input cannot be trusted):
//   400  a target that is not origin-form, absolute-form (http/https) or "*" with OPTIONS; a fragment; a byte
//        that is not ASCII in the target (Beast already refuses control characters and spaces);
//        HTTP/1.1 without exactly one valid Host; a Host or target authority that core::parse_host_port
//        refuses; more than one Content-Length field or a value that is not 1*DIGIT; Content-Length with
//        Transfer-Encoding; Transfer-Encoding on HTTP/1.0, or whose final coding is not chunked, or chunked
//        twice or with parameters
//   501  chunked last but other codings before it ("gzip, chunked"): not supported; CONNECT
//   413  Content-Length over max_body_bytes
//   417  an Expect other than 100-continue
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>

#include "config/gateway_config.hpp"
#include "core/host_port.hpp"

namespace certgate::h1 {

// Name compared with an already folded name (lower case, '-'), folding `name` on the fly.
bool folded_equals(std::string_view name, std::string_view folded);

// Header names certgate owns or that frame a message, compared after folding case and '_' to '-' (the way CGI,
// PHP, WSGI and IIS server variables read a name). Built once per configuration.
class HeaderRules {
 public:
  static HeaderRules build(const config::HeaderNames& names, const std::vector<std::string>& upgrades);

  // Never forwarded from a client in any spelling: identity headers (configured and default names), the
  // forwarding headers certgate writes or vouches for, framing and hop-by-hop names, [headers] strip.
  bool is_reserved(std::string_view name) const;
  // A name with '_' is dropped unless [headers] underscores = "keep" (then only reserved ones are).
  bool drops_underscores() const { return drop_underscores_; }
  // Whether `protocol` ("websocket", "WebSocket/13") may be upgraded to.
  bool upgrade_allowed(std::string_view protocol) const;
  // [headers] client_ip_from, in any spelling: forwarded only from a verified edge whose value was taken.
  bool is_client_ip_field(std::string_view name) const {
    return !client_ip_from_.empty() && folded_equals(name, client_ip_from_);
  }
  const std::string& client_ip_from() const { return client_ip_from_name_; }  // as configured

 private:
  std::string client_ip_from_;         // folded; "" = none
  std::string client_ip_from_name_;
  std::vector<std::string> reserved_;  // folded
  std::vector<std::string> upgrades_;  // lower case
  bool drop_underscores_ = true;
};

enum class Framing { none, length, chunked };

struct CheckedRequest {
  std::string_view method;
  std::string_view origin_target;  // the target as sent, when it is origin-form or "*" (a view into the head)
  std::string reduced_target;      // an absolute-form target reduced to origin-form ("https://a/x" -> "/x")
  // What goes upstream: origin-form, or "*".
  std::string_view target() const { return reduced_target.empty() ? origin_target : std::string_view(reduced_target); }
  core::HostPort authority;       // from the target when absolute-form, else from Host (else the SNI)
  unsigned version = 11;          // 10 or 11
  Framing framing = Framing::none;
  std::uint64_t length = 0;       // Framing::length
  bool keep_alive = true;         // what the client asked for
  bool expect_continue = false;   // answer 100 Continue before reading the body (HTTP/1.1 only)
  std::string upgrade;            // the protocols forwarded in Upgrade ("" = not an upgrade)
  bool retry_safe = false;        // no body and an idempotent method (RFC 9110 9.2.2)
};

struct RequestRefusal {
  int status = 400;
  std::string reason;
};

struct RequestCheck {
  std::optional<CheckedRequest> request;
  RequestRefusal refusal;  // when !request
};

// `sni`: the name the TLS handshake asked for; the authority of an HTTP/1.0 request without Host.
RequestCheck check_request(const boost::beast::http::request_header<>& head, const HeaderRules& rules,
                           std::uint64_t max_body_bytes, std::string_view sni);

// Whether Beast, which reads the body, frames it as check_request() does (the same head judged twice; a
// disagreement means the two read it differently, and the request is refused rather than guessed at).
bool beast_agrees(const boost::beast::http::request_parser<boost::beast::http::buffer_body>& parser,
                  const CheckedRequest& req);


}  // namespace certgate::h1
