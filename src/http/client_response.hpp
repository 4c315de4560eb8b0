#pragma once
// The client's side of an exchange: the upstream's response head checked (an ambiguous one is a 502, never
// relayed as it came), then rendered for the client; interim (1xx) heads; and the responses certgate makes
// itself (refusals, 100 Continue).
//
// An upstream response is refused (502) when: its status is outside 100..599; it is 101 without an upgrade
// request, with more than one Upgrade field, or with one that is not a well-formed list of exactly one protocol
// that was offered; it has more than one Content-Length or one that is not 1*DIGIT; it has Transfer-Encoding
// other than exactly chunked, or together with Content-Length, or on HTTP/1.0.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>

#include "http/request_check.hpp"

namespace certgate::h1 {

enum class BodyFraming { none, length, chunked, until_close };

struct CheckedResponse {
  unsigned status = 0;
  BodyFraming framing = BodyFraming::none;  // how the upstream's body is delimited
  std::uint64_t length = 0;                 // BodyFraming::length (may be 0)
  bool upgrade = false;                     // an accepted 101
  // A bodiless response (HEAD, 204, 304) keeps the length or coding it declares for the representation.
  std::string_view declared_length;
  bool declared_chunked = false;
};

struct ResponseCheck {
  std::optional<CheckedResponse> response;
  std::string refusal;  // why it is a 502, when !response
};

// `head_request`: the request was HEAD. `req`: what was forwarded (its upgrade offer).
ResponseCheck check_response(const boost::beast::http::response_header<>& head, bool head_request,
                             const CheckedRequest& req);

// How the body goes to the client: as it came, re-chunked, or raw until close for an HTTP/1.0 client.
struct ClientFraming {
  BodyFraming framing = BodyFraming::none;
  bool keep_alive = false;  // after this response
};
ClientFraming client_framing(const CheckedResponse& res, unsigned client_version, bool keep_alive);

// The response head the client receives, into `out` (replaced): hop-by-hop fields and those named in
// Connection, Server, and the upstream's framing fields left out; the upstream's first Date only; Server: certgate,
// Via, Date when the upstream sent none, the framing of `framing`, and the Connection header that says what
// `framing.keep_alive` says in the client's version. A 101 keeps Upgrade (though its Connection lists it) and says
// Connection: upgrade.
void render_client_response(std::string& out, const boost::beast::http::response_header<>& head,
                            const CheckedResponse& res, const ClientFraming& framing, unsigned client_version);

// The fields of an upstream head that reach the client as they came (render_client_response writes them, the
// HTTP/2 response is made of them): hop-by-hop fields and those named in Connection, Server, Via and the framing
// fields left out (a 101 keeps Upgrade), the first Date only. Views into `head`.
struct EndToEndField {
  std::string_view name;
  std::string_view value;
  bool date = false;
};
std::vector<EndToEndField> end_to_end_fields(const boost::beast::http::response_header<>& head, bool upgrade);

// An interim response (1xx other than 100 and 101, e.g. 103 Early Hints) for an HTTP/1.1 client, into `out`.
void render_interim_response(std::string& out, const boost::beast::http::response_header<>& head);

// A response certgate makes itself: text/plain body, Date, Server, no caching, Connection: close.
std::string render_own_response(int status, unsigned client_version, std::string_view body);

inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace certgate::h1
