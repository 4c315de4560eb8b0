#include "http/response_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace certgate::h1 {
namespace {

using End = Received::End;

// The bytes a connection would hand over: each piece in its own read (split further when the buffer is
// smaller), then `end`. Counts the reads, so that a test can tell the reader stopped when the response ended.
class Script {
 public:
  Script(std::vector<std::string> pieces, End end) : pieces_(std::move(pieces)), end_(end) {}

  ByteSource source() {
    return [this](char* buffer, std::size_t capacity) { return next(buffer, capacity); };
  }
  int reads() const { return reads_; }
  bool drained() const { return piece_ == pieces_.size(); }

 private:
  Received next(char* buffer, std::size_t capacity) {
    ++reads_;
    while (piece_ < pieces_.size() && offset_ == pieces_[piece_].size()) {
      ++piece_;
      offset_ = 0;
    }
    if (piece_ == pieces_.size()) return Received{0, end_};
    const std::string& piece = pieces_[piece_];
    const std::size_t n = std::min(capacity, piece.size() - offset_);
    std::memcpy(buffer, piece.data() + offset_, n);
    offset_ += n;
    return Received{n, End::none};
  }

  std::vector<std::string> pieces_;
  End end_;
  std::size_t piece_ = 0;
  std::size_t offset_ = 0;
  int reads_ = 0;
};

ResponseRead read(std::vector<std::string> pieces, End end = End::closed, bool head_request = false,
                  const ResponseLimits& limits = {}) {
  Script script(std::move(pieces), end);
  return read_response(script.source(), head_request, limits);
}

// A source that never ends: `head` once, then `filler` over and over. It stops by itself after 64 MiB, so that
// a reader that does not stop fails the test instead of hanging it.
ByteSource endless(std::string head, std::string filler, std::size_t* given) {
  return [head = std::move(head), filler = std::move(filler), given, at = std::size_t{0}](
             char* buffer, std::size_t capacity) mutable {
    if (*given >= (64u << 20)) return Received{0, End::stopped};
    std::size_t n = 0;
    while (n < capacity) {
      const std::string& from = at < head.size() ? head : filler;
      const std::size_t pos = at < head.size() ? at : (at - head.size()) % filler.size();
      const std::size_t take = std::min(capacity - n, from.size() - pos);
      std::memcpy(buffer + n, from.data() + pos, take);
      n += take;
      at += take;
    }
    *given += n;
    return Received{n, End::none};
  };
}

std::vector<std::string> names_of(const ResponseRead& r) {
  std::vector<std::string> out;
  for (const auto& field : r.fields) out.push_back(field.first);
  return out;
}

// Every way of cutting `wire` in two, and byte by byte: the reader must see the same response each time.
void expect_same_in_any_split(const std::string& wire, const ResponseRead& whole, bool head_request = false) {
  auto same = [&](const ResponseRead& r, const std::string& how) {
    EXPECT_EQ(r.complete, whole.complete) << how;
    EXPECT_EQ(r.status, whole.status) << how;
    EXPECT_EQ(r.fields, whole.fields) << how;
    EXPECT_EQ(r.body, whole.body) << how;
    EXPECT_EQ(r.error, whole.error) << how;
  };
  for (std::size_t cut = 1; cut < wire.size(); ++cut) {
    same(read({wire.substr(0, cut), wire.substr(cut)}, End::closed, head_request), "cut at " + std::to_string(cut));
  }
  std::vector<std::string> bytes;
  for (char c : wire) bytes.emplace_back(1, c);
  same(read(bytes, End::closed, head_request), "byte by byte");
}

TEST(ResponseReader, ContentLengthBodyEndsTheResponseWithoutWaitingForClose) {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello";
  // The server keeps the connection open: nothing after the body may be waited for (it would be a timeout).
  Script script({wire, "HTTP/1.1 500 never read\r\n\r\n"}, End::stopped);
  ResponseRead r = read_response(script.source(), false);
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.stopped);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.version, 11u);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(names_of(r), (std::vector<std::string>{"Content-Length", "X-A"}));
  EXPECT_EQ(r.fields[1].second, "1");
  EXPECT_EQ(script.reads(), 1);
  EXPECT_FALSE(script.drained());
  expect_same_in_any_split(wire, r);
}

TEST(ResponseReader, ChunkedBodyWithExtensionsAndTrailers) {
  const std::string wire =
      "HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
      "7;name=value;flag\r\n403.16 \r\n"
      "a;q=\"quoted; text\"\r\nForbidden\n\r\n"
      "0;last=yes\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n";
  ResponseRead r = read({wire});
  EXPECT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.body, "403.16 Forbidden\n");
  // The trailer fields are not fields of the head.
  EXPECT_EQ(names_of(r), (std::vector<std::string>{"Transfer-Encoding", "Trailer"}));
  expect_same_in_any_split(wire, r);
}

TEST(ResponseReader, BodyUntilCloseEndsWithTheConnection) {
  const std::string wire = "HTTP/1.1 200 OK\r\nServer: test\r\n\r\nall of this, until the close";
  ResponseRead r = read({wire}, End::closed);
  EXPECT_TRUE(r.complete) << r.error;
  EXPECT_EQ(r.body, "all of this, until the close");
  expect_same_in_any_split(wire, r);

  // The same response when the connection stops otherwise (timeout, reset): not complete, what came is kept.
  ResponseRead stopped = read({wire}, End::stopped);
  EXPECT_FALSE(stopped.complete);
  EXPECT_TRUE(stopped.stopped);
  EXPECT_TRUE(stopped.head_done);
  EXPECT_EQ(stopped.error, "");
  EXPECT_EQ(stopped.body, "all of this, until the close");

  // HTTP/1.0 with a body until close.
  ResponseRead old = read({"HTTP/1.0 200 OK\r\n\r\nold"});
  EXPECT_TRUE(old.complete);
  EXPECT_EQ(old.version, 10u);
  EXPECT_EQ(old.body, "old");
}

TEST(ResponseReader, ResponseToHeadAndBodilessStatusesHaveNoBody) {
  Script head({"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"}, End::stopped);
  ResponseRead r = read_response(head.source(), true);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.body, "");
  EXPECT_FALSE(r.stopped);  // not waiting for 50 bytes that never come
  expect_same_in_any_split("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", r, true);

  for (const char* wire : {"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
                           "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
    ResponseRead none = read({wire}, End::stopped);
    EXPECT_TRUE(none.complete) << wire;
    EXPECT_EQ(none.body, "") << wire;
  }
}

TEST(ResponseReader, InterimResponsesArePassedOver) {
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  ResponseRead r = read({wire});
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(names_of(r), (std::vector<std::string>{"Content-Length"}));
  EXPECT_EQ(r.body, "ok");
  expect_same_in_any_split(wire, r);

  // 101 is final.
  ResponseRead upgrade = read({"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"}, End::stopped);
  EXPECT_TRUE(upgrade.complete);
  EXPECT_EQ(upgrade.status, 101u);

  std::string many;
  for (int i = 0; i < 17; ++i) many += "HTTP/1.1 103 Early Hints\r\n\r\n";
  ResponseRead refused = read({many + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"});
  EXPECT_FALSE(refused.complete);
  EXPECT_FALSE(refused.head_done);
  EXPECT_EQ(refused.error, "more than 16 interim (1xx) responses");

  std::string sixteen;
  for (int i = 0; i < 16; ++i) sixteen += "HTTP/1.1 103 Early Hints\r\n\r\n";
  EXPECT_TRUE(read({sixteen + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}).complete);
}

TEST(ResponseReader, MalformedResponsesAreRefusedWithTheReason) {
  struct Case {
    std::string wire;
    std::string error;
    bool head_done;
  };
  const std::vector<Case> cases = {
      {"SSH-2.0-OpenSSH_9.2\r\n\r\n", "malformed response: bad version", false},
      {"HTTP/2 200 OK\r\n\r\n", "malformed response: bad version", false},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "malformed response: bad status", false},
      {"HTTP/1.1 200 OK\r\nBad Field: x\r\n\r\n", "malformed response: bad field", false},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
       "malformed response: multiple Content-Length", false},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "malformed response: bad Content-Length", false},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello",
       "malformed response: bad Content-Length", false},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "malformed response: bad Transfer-Encoding", false},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed response: bad chunk", true},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;=x\r\nok\r\n0\r\n\r\n",
       "malformed response: bad chunk extension", true},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n", "malformed response: bad chunk",
       true},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
       "malformed response: bad field", true},
  };
  for (const auto& c : cases) {
    ResponseRead r = read({c.wire});
    EXPECT_FALSE(r.complete) << c.wire;
    EXPECT_EQ(r.error, c.error) << c.wire;
    EXPECT_EQ(r.head_done, c.head_done) << c.wire;
  }
}

TEST(ResponseReader, ConnectionClosedTooEarly) {
  ResponseRead nothing = read({}, End::closed);
  EXPECT_EQ(nothing.bytes_received, 0u);
  EXPECT_FALSE(nothing.complete);
  EXPECT_EQ(nothing.error, "");

  ResponseRead in_head = read({"HTTP/1.1 200 OK\r\nContent-"});
  EXPECT_FALSE(in_head.head_done);
  EXPECT_EQ(in_head.error, "connection closed before the end of the response head");

  ResponseRead after_interim = read({"HTTP/1.1 100 Continue\r\n\r\n"});
  EXPECT_FALSE(after_interim.head_done);
  EXPECT_EQ(after_interim.error, "connection closed before the end of the response head");

  ResponseRead in_body = read({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"});
  EXPECT_TRUE(in_body.head_done);
  EXPECT_FALSE(in_body.complete);
  EXPECT_EQ(in_body.status, 200u);
  EXPECT_EQ(in_body.body, "short");
  EXPECT_EQ(in_body.error, "connection closed before the end of the response body");

  ResponseRead in_chunks = read({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"});
  EXPECT_EQ(in_chunks.error, "connection closed before the end of the response body");
  EXPECT_EQ(in_chunks.body, "hel");
}

TEST(ResponseReader, OversizedHeadIsRefused) {
  ResponseLimits limits;
  limits.max_header_bytes = 1024;
  const std::string small = "HTTP/1.1 200 OK\r\nX-Fill: " + std::string(900, 'a') + "\r\nContent-Length: 0\r\n\r\n";
  EXPECT_TRUE(read({small}, End::closed, false, limits).complete);

  const std::string big = "HTTP/1.1 200 OK\r\nX-Fill: " + std::string(1100, 'a') + "\r\nContent-Length: 0\r\n\r\n";
  ResponseRead r = read({big}, End::closed, false, limits);
  EXPECT_FALSE(r.head_done);
  EXPECT_EQ(r.error, "response head larger than 1024 bytes");

  // A head that never ends: reading stops at the limit instead of buffering it.
  std::size_t given = 0;
  ResponseRead endless_head =
      read_response(endless("HTTP/1.1 200 OK\r\n", "X-Fill: aaaaaaaa\r\n", &given), false, limits);
  EXPECT_EQ(endless_head.error, "response head larger than 1024 bytes");
  EXPECT_LT(given, 64u * 1024);
}

TEST(ResponseReader, OversizedBodyIsRefused) {
  ResponseLimits limits;
  limits.max_body_bytes = 1000;
  EXPECT_TRUE(read({"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'b')}, End::closed, false,
                   limits).complete);

  // Content-Length over the limit: refused on the head, nothing of the body is read; the head stays known.
  Script declared({"HTTP/1.1 200 OK\r\nContent-Length: 1001\r\n\r\n", std::string(1001, 'b')}, End::closed);
  ResponseRead r = read_response(declared.source(), false, limits);
  EXPECT_EQ(r.error, "response body larger than 1000 bytes");
  EXPECT_TRUE(r.head_done);
  EXPECT_EQ(r.status, 200u);
  EXPECT_FALSE(r.complete);
  EXPECT_FALSE(declared.drained());

  std::size_t given = 0;
  ResponseRead chunked = read_response(
      endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "10\r\n0123456789abcdef\r\n", &given), false,
      limits);
  EXPECT_EQ(chunked.error, "response body larger than 1000 bytes");
  EXPECT_LE(chunked.body.size(), 1000u);
  EXPECT_LT(given, 64u * 1024);

  given = 0;
  ResponseRead until_close = read_response(endless("HTTP/1.1 200 OK\r\n\r\n", "0123456789", &given), false, limits);
  EXPECT_EQ(until_close.error, "response body larger than 1000 bytes");
  EXPECT_LE(until_close.body.size(), 1000u);
  EXPECT_LT(given, 64u * 1024);

  // A HEAD response declares a length it does not send: no limit applies to it.
  EXPECT_TRUE(read({"HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n"}, End::stopped, true, limits).complete);
}

TEST(ResponseReader, EndlessChunkLineOrTrailerIsRefused) {
  ResponseLimits limits;
  limits.max_header_bytes = 1024;
  std::size_t given = 0;
  ResponseRead extension = read_response(
      endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=", "aaaaaaaaaaaaaaaa", &given), false, limits);
  EXPECT_EQ(extension.error, "chunk-size line or trailer section larger than 1024 bytes");
  EXPECT_LT(given, 64u * 1024);

  given = 0;
  ResponseRead trailer = read_response(
      endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n", "X-T: aaaaaaaaaa\r\n", &given),
      false, limits);
  EXPECT_EQ(trailer.error, "chunk-size line or trailer section larger than 1024 bytes");
  EXPECT_EQ(trailer.body, "ok");
  EXPECT_LT(given, 64u * 1024);
}

}  // namespace
}  // namespace certgate::h1
