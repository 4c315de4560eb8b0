#pragma once
// Streaming between a client and the upstream: bodies piece by piece through a fixed buffer (never the
// whole message in memory), and a raw byte tunnel for Upgrade / WebSocket.
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <array>
#include <charconv>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <chrono>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <memory>

#include "net/net.hpp"

namespace certgate::proxy {

// The most body bytes relayed at once: four TLS records.
inline constexpr std::size_t kRelayBufferSize = 64 * 1024;
// A connection's read buffer larger than this is released after a body (idle connections stay small).
inline constexpr std::size_t kKeptBufferSize = 8 * 1024;

// A kRelayBufferSize buffer for one body, reused within the worker thread: a new 64 KiB block per body made
// the allocator hand the memory back to the kernel and fault it in again on every large response (page
// faults were a tenth of the CPU time of a 64 KiB response, docs/performance.md). Each worker keeps at most
// kCachedRelayBuffers idle.
inline constexpr std::size_t kCachedRelayBuffers = 16;

class RelayBuffer {
 public:
  RelayBuffer() {
    auto& idle = cache();
    if (idle.empty()) {
      data_.reset(new char[kRelayBufferSize]);
    } else {
      data_ = std::move(idle.back());
      idle.pop_back();
    }
  }
  ~RelayBuffer() {
    auto& idle = cache();
    if (data_ && idle.size() < kCachedRelayBuffers) idle.push_back(std::move(data_));
  }
  RelayBuffer(const RelayBuffer&) = delete;
  RelayBuffer& operator=(const RelayBuffer&) = delete;
  char* data() { return data_.get(); }

 private:
  static std::vector<std::unique_ptr<char[]>>& cache() {
    thread_local std::vector<std::unique_ptr<char[]>> idle;
    return idle;
  }
  std::unique_ptr<char[]> data_;
};

// The time limits of one body relay. Each read and each write must complete within its timeout; and when
// min_rate is set, the client's side (the reads of a request body, the writes of a response body) must also keep
// an average of min_rate bytes/s once `grace` has passed since the body started, so that one byte a minute
// cannot hold an origin connection for the length of a body.
struct RelayTimes {
  using Clock = std::chrono::steady_clock;
  std::chrono::milliseconds read_timeout{60'000};
  std::chrono::milliseconds write_timeout{60'000};
  std::uint64_t min_rate = 0;  // bytes/s; 0 = none
  std::chrono::milliseconds grace{60'000};
  bool rate_on_reads = true;   // false: on writes
  Clock::time_point start = Clock::now();

  Clock::time_point read_deadline(std::uint64_t moved) const { return deadline(read_timeout, moved, rate_on_reads); }
  Clock::time_point write_deadline(std::uint64_t moved) const { return deadline(write_timeout, moved, !rate_on_reads); }

 private:
  Clock::time_point deadline(std::chrono::milliseconds timeout, std::uint64_t moved, bool paced) const {
    const Clock::time_point by_timeout = Clock::now() + timeout;
    if (!paced || min_rate == 0) return by_timeout;
    const auto allowed = std::chrono::milliseconds(moved / min_rate * 1000 + moved % min_rate * 1000 / min_rate);
    return std::min(by_timeout, start + grace + allowed);
  }
};

struct RelayResult {
  error_code read_error;   // the side we read from failed
  error_code write_error;  // the side we wrote to failed
  std::uint64_t bytes = 0; // body bytes relayed
  bool complete = false;   // the whole body was read and written
};

namespace detail {

// Writes `head` (then clears it) and one piece of a body, in the output framing, as one write: a chunk's size
// line and CRLF around the piece, and the last chunk when `last`.
template <class Out>
awaitable<error_code> write_piece(Out& out, std::string& head, asio::const_buffer piece, bool chunked, bool last,
                                  RelayTimes::Clock::time_point deadline) {
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  std::array<char, 20> size_line{};
  std::array<asio::const_buffer, 5> pieces;
  std::size_t count = 0;
  if (!head.empty()) pieces[count++] = asio::buffer(head);
  const bool framed = chunked && piece.size() > 0;
  if (framed) {
    const auto r = std::to_chars(size_line.data(), size_line.data() + size_line.size() - 2, piece.size(), 16);
    r.ptr[0] = '\r';
    r.ptr[1] = '\n';
    pieces[count++] = asio::buffer(size_line.data(), static_cast<std::size_t>(r.ptr + 2 - size_line.data()));
  }
  if (piece.size() > 0) pieces[count++] = piece;
  if (framed) pieces[count++] = asio::buffer(kCrlf.data(), kCrlf.size());
  if (last && chunked) pieces[count++] = asio::buffer(kLastChunk.data(), kLastChunk.size());
  if (count == 0) co_return error_code{};
  out.deadline().expires_at(deadline);
  auto [ec, n] = co_await asio::async_write(out, std::span<const asio::const_buffer>(pieces.data(), count), use_tuple);
  if (!ec) head.clear();
  co_return ec;
}

// A body framed by Content-Length (`length`) or by the end of the input (none): straight from the socket to
// `out`, without passing through the parser (which would copy every byte once more). Never reads past the
// body: what follows it (a pipelined request) stays unread.
template <class In, class Out>
awaitable<RelayResult> relay_raw(In& in, beast::flat_buffer& in_buffer, std::optional<std::uint64_t> length, Out& out,
                                 std::string& head, const RelayTimes& times) {
  RelayResult result;
  std::uint64_t remaining = length.value_or(std::numeric_limits<std::uint64_t>::max());
  const std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(kRelayBufferSize, remaining));
  std::optional<RelayBuffer> buf;
  bool ended = remaining == 0;
  while (!ended) {
    asio::const_buffer piece;
    std::size_t buffered = 0;
    if (in_buffer.size() > 0) {
      // Body bytes that came with the head.
      buffered = static_cast<std::size_t>(std::min<std::uint64_t>(in_buffer.size(), remaining));
      piece = asio::const_buffer(in_buffer.data().data(), buffered);
    } else {
      if (!buf) buf.emplace();
      in.deadline().expires_at(times.read_deadline(result.bytes));
      auto [ec, n] = co_await in.async_read_some(
          asio::buffer(buf->data(), static_cast<std::size_t>(std::min<std::uint64_t>(size, remaining))), use_tuple);
      if (ec == asio::error::eof && !length) {
        ended = true;  // the input's end is the body's end
      } else if (ec) {
        result.read_error = ec == asio::error::eof ? error_code(http::error::partial_message) : ec;
        co_return result;
      }
      piece = asio::const_buffer(buf->data(), n);
    }
    remaining -= piece.size();
    if (remaining == 0) ended = true;
    if (error_code wec = co_await write_piece(out, head, piece, false, ended, times.write_deadline(result.bytes))) {
      result.write_error = wec;
      co_return result;
    }
    in_buffer.consume(buffered);
    result.bytes += piece.size();
  }
  if (error_code wec = co_await write_piece(out, head, {}, false, true, times.write_deadline(result.bytes))) {
    result.write_error = wec;  // a head alone (an empty body)
    co_return result;
  }
  result.complete = true;
  co_return result;
}

}  // namespace detail

// Relays the body of a message whose head is already in `parser` from `in` to `out`, each piece as soon as it
// arrives. `head` (the rendered head, or empty if already sent) goes out with the first piece, in one write.
// chunked: the body goes out in chunked framing; otherwise as the bytes came (Content-Length, or until the
// input closes). A chunked input is decoded by the parser; any other goes straight through (relay_raw).
// The caller's parser is done afterwards only on the chunked path: RelayResult::complete says the body ended.
template <bool isRequest, class In, class Out>
awaitable<RelayResult> relay_body(In& in, beast::flat_buffer& in_buffer,
                                  http::parser<isRequest, http::buffer_body>& parser, Out& out, std::string& head,
                                  bool chunked, const RelayTimes& times) {
  if (parser.is_done()) {
    // No body at all (a response to HEAD, a 204 or 304, a length of zero): the head alone, even when it
    // announces chunks.
    RelayResult none;
    none.write_error = co_await detail::write_piece(out, head, {}, false, true, times.write_deadline(0));
    none.complete = !none.write_error;
    co_return none;
  }
  if (!parser.chunked()) {
    std::optional<std::uint64_t> length;
    if (const auto declared = parser.content_length()) length = *declared;
    RelayResult raw = co_await detail::relay_raw(in, in_buffer, length, out, head, times);
    co_return raw;
  }
  // Chunked: the parser decodes the chunks into `buf`.
  RelayResult result;
  RelayBuffer buf;
  // Beast reads at most the buffer's free capacity (512 bytes at least): make room for a whole piece, or a
  // 64 KiB body would travel as 128 reads and 128 TLS records.
  if (in_buffer.capacity() - in_buffer.size() < kRelayBufferSize)
    in_buffer.reserve(in_buffer.size() + kRelayBufferSize);
  do {
    parser.get().body().data = buf.data();
    parser.get().body().size = kRelayBufferSize;
    in.deadline().expires_at(times.read_deadline(result.bytes));
    auto [ec, got] = co_await http::async_read_some(in, in_buffer, parser, use_tuple);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      result.read_error = ec;
      co_return result;
    }
    const std::size_t n = kRelayBufferSize - parser.get().body().size;
    if (error_code wec = co_await detail::write_piece(out, head, asio::const_buffer(buf.data(), n), chunked,
                                                      parser.is_done(), times.write_deadline(result.bytes))) {
      result.write_error = wec;
      co_return result;
    }
    result.bytes += n;
  } while (!parser.is_done());
  if (in_buffer.size() == 0 && in_buffer.capacity() > kKeptBufferSize) in_buffer.shrink_to_fit();
  result.complete = true;
  co_return result;
}

// Copies bytes from `from` to `to` until either side closes or stays idle for `idle`.
template <class From, class To>
awaitable<std::uint64_t> pump(From& from, beast::flat_buffer& pending, To& to, std::chrono::milliseconds idle) {
  std::uint64_t total = 0;
  if (pending.size() > 0) {
    to.deadline().expires_after(idle);
    auto [ec, n] = co_await asio::async_write(to, pending.data(), use_tuple);
    if (ec) co_return total;
    total += n;
    pending.consume(pending.size());
  }
  std::array<char, 16 * 1024> buf;
  for (;;) {
    from.deadline().expires_after(idle);
    auto [rec, n] = co_await from.async_read_some(asio::buffer(buf), use_tuple);
    if (n > 0) {
      to.deadline().expires_after(idle);
      auto [wec, wn] = co_await asio::async_write(to, asio::buffer(buf.data(), n), use_tuple);
      if (wec) co_return total;
      total += wn;
    }
    if (rec) co_return total;
  }
}

// Tunnels an upgraded connection. Returns the bytes sent to the client.
template <class Client, class Upstream>
awaitable<std::uint64_t> tunnel(Client& client, beast::flat_buffer& client_pending, Upstream& upstream,
                                beast::flat_buffer& upstream_pending, std::chrono::milliseconds idle) {
  using namespace asio::experimental::awaitable_operators;
  auto r = co_await (pump(client, client_pending, upstream, idle) || pump(upstream, upstream_pending, client, idle));
  co_return r.index() == 1 ? std::get<1>(r) : 0;
}

}  // namespace certgate::proxy
