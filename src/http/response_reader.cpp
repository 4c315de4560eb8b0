#include "http/response_reader.hpp"

#include <optional>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace certgate::h1 {
namespace {

namespace http = boost::beast::http;
using error_code = boost::system::error_code;
using Parser = http::response_parser<http::string_body>;

// As the gateway allows an upstream (src/server/exchange.cpp): a server cannot keep the client reading 1xx heads.
constexpr int kMaxInterimResponses = 16;
constexpr std::size_t kReadSize = 16 * 1024;

std::string describe(const error_code& ec, const ResponseLimits& limits, bool head_done) {
  if (ec == http::error::header_limit) {
    return "response head larger than " + std::to_string(limits.max_header_bytes) + " bytes";
  }
  if (ec == http::error::body_limit || ec == http::error::buffer_overflow) {
    return "response body larger than " + std::to_string(limits.max_body_bytes) + " bytes";
  }
  if (ec == http::error::partial_message) {
    return head_done ? "connection closed before the end of the response body"
                     : "connection closed before the end of the response head";
  }
  return "malformed response: " + ec.message();
}

void start(std::optional<Parser>& parser, bool head_request, const ResponseLimits& limits) {
  parser.emplace();
  parser->header_limit(limits.max_header_bytes);
  parser->body_limit(limits.max_body_bytes);
  // Not eager until the head is done: put() then returns right after the head, so that its fields are taken
  // before a trailer section could add to them.
  parser->eager(false);
  if (head_request) parser->skip(true);
}

void take_head(const Parser& parser, ResponseRead& out) {
  const auto& head = parser.get();
  out.head_done = true;
  out.status = head.result_int();
  out.version = head.version();
  for (const auto& field : head) out.fields.emplace_back(std::string(field.name_string()), std::string(field.value()));
}

}  // namespace

ResponseRead read_response(const ByteSource& source, bool head_request, const ResponseLimits& limits) {
  ResponseRead out;
  std::optional<Parser> parser;
  start(parser, head_request, limits);
  int interim = 0;
  std::string pending;  // received, not yet consumed by the parser (Beast wants an incomplete element again)
  auto fail = [&](std::string why) {
    if (out.head_done) out.body = parser->release().body();
    out.error = std::move(why);
    return out;
  };

  for (;;) {
    // Everything pending, as far as the parser takes it.
    while (!pending.empty()) {
      error_code ec;
      const std::size_t used = parser->put(boost::asio::buffer(pending.data(), pending.size()), ec);
      pending.erase(0, used);
      if (ec == http::error::need_more) break;
      if (ec) {
        // A Content-Length over the limit is refused with the head complete: its status is still known.
        if (!out.head_done && parser->is_header_done()) take_head(*parser, out);
        return fail(describe(ec, limits, out.head_done));
      }
      if (!out.head_done && parser->is_header_done()) {
        const unsigned status = parser->get().result_int();
        if (status >= 100 && status < 200 && status != 101) {
          if (++interim > kMaxInterimResponses) {
            return fail("more than " + std::to_string(kMaxInterimResponses) + " interim (1xx) responses");
          }
          start(parser, head_request, limits);
          continue;
        }
        take_head(*parser, out);
        parser->eager(true);
      }
      if (parser->is_done()) {
        out.body = parser->release().body();
        out.complete = true;
        return out;
      }
      if (used == 0) break;
    }
    // Within a body, only a chunk-size line or the trailer section stays pending; Beast limits neither.
    if (out.head_done && pending.size() >= limits.max_header_bytes) {
      return fail("chunk-size line or trailer section larger than " + std::to_string(limits.max_header_bytes) +
                  " bytes");
    }

    const std::size_t at = pending.size();
    pending.resize(at + kReadSize);
    const Received got = source(pending.data() + at, kReadSize);
    pending.resize(at + got.size);
    out.bytes_received += got.size;
    if (got.size > 0) continue;

    if (got.end == Received::End::closed) {
      if (out.bytes_received == 0) return out;  // nothing at all: the caller tells an empty reply
      if (!parser->got_some()) return fail(describe(http::error::partial_message, limits, out.head_done));
      error_code ec;
      parser->put_eof(ec);
      if (ec) return fail(describe(ec, limits, out.head_done));
      out.body = parser->release().body();
      out.complete = true;
      return out;
    }
    out.stopped = true;
    if (out.head_done) out.body = parser->release().body();
    return out;
  }
}

}  // namespace certgate::h1
