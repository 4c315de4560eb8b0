#pragma once
// Streaming between a client and the upstream: bodies piece by piece through a fixed buffer (never the
// whole message in memory), and a raw byte tunnel for Upgrade / WebSocket.
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <array>
#include <charconv>
#include <span>
#include <string>
#include <string_view>
#include <chrono>
#include <algorithm>
#include <cstdint>
#include <memory>

#include "http/net.hpp"

namespace certgate::proxy {

// The most body bytes relayed at once: four TLS records.
inline constexpr std::size_t kRelayBufferSize = 64 * 1024;
// A connection's read buffer larger than this is released after a body (idle connections stay small).
inline constexpr std::size_t kKeptBufferSize = 8 * 1024;

struct RelayResult {
  error_code read_error;   // the side we read from failed
  error_code write_error;  // the side we wrote to failed
  std::uint64_t bytes = 0; // body bytes relayed
};

// Relays the body of a message whose head is already in `parser` from `in` to `out`, each piece as soon as it
// arrives. `head` (the rendered head, or empty if already sent) goes out with the first piece, in one write.
// chunked: the body goes out in chunked framing (the parser has removed the inbound framing); otherwise as
// the bytes came (Content-Length, or until the input closes).
template <bool isRequest, class In, class Out>
awaitable<RelayResult> relay_body(In& in, beast::flat_buffer& in_buffer,
                                  http::parser<isRequest, http::buffer_body>& parser, Out& out, std::string& head,
                                  bool chunked, std::chrono::milliseconds read_timeout,
                                  std::chrono::milliseconds write_timeout) {
  RelayResult result;
  // Sized for the body when its length is known (a 1 KiB response does not need 64 KiB), never zero-filled.
  std::size_t size = kRelayBufferSize;
  if (parser.content_length() && *parser.content_length() < size)
    size = std::max<std::size_t>(static_cast<std::size_t>(*parser.content_length()), 1);
  std::unique_ptr<char[]> buf;
  if (!parser.is_done()) {
    buf.reset(new char[size]);
    // Beast reads at most the buffer's free capacity (512 bytes at least): make room for a whole piece, or a
    // 64 KiB body would travel as 128 reads and 128 TLS records.
    if (in_buffer.capacity() - in_buffer.size() < size) in_buffer.reserve(in_buffer.size() + size);
  }
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  std::array<char, 20> chunk_size{};
  for (;;) {
    std::size_t n = 0;
    if (!parser.is_done()) {
      parser.get().body().data = buf.get();
      parser.get().body().size = size;
      in.deadline().expires_after(read_timeout);
      auto [ec, got] = co_await http::async_read_some(in, in_buffer, parser, use_tuple);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        result.read_error = ec;
        co_return result;
      }
      n = size - parser.get().body().size;
    }
    const bool last = parser.is_done();
    // The head, this piece (framed as a chunk if need be) and, at the end, the last chunk: one write.
    std::array<asio::const_buffer, 5> pieces;
    std::size_t count = 0;
    if (!head.empty()) pieces[count++] = asio::buffer(head);
    if (n > 0 && chunked) {
      const auto r = std::to_chars(chunk_size.data(), chunk_size.data() + chunk_size.size() - 2, n, 16);
      r.ptr[0] = '\r';
      r.ptr[1] = '\n';
      pieces[count++] = asio::buffer(chunk_size.data(), static_cast<std::size_t>(r.ptr + 2 - chunk_size.data()));
    }
    if (n > 0) pieces[count++] = asio::buffer(buf.get(), n);
    if (n > 0 && chunked) pieces[count++] = asio::buffer(kCrlf.data(), kCrlf.size());
    if (last && chunked) pieces[count++] = asio::buffer(kLastChunk.data(), kLastChunk.size());
    if (count > 0) {
      out.deadline().expires_after(write_timeout);
      auto [wec, wn] = co_await asio::async_write(out, std::span<const asio::const_buffer>(pieces.data(), count),
                                                  use_tuple);
      if (wec) {
        result.write_error = wec;
        co_return result;
      }
      head.clear();
      result.bytes += n;
    }
    if (last) break;
  }
  if (in_buffer.size() == 0 && in_buffer.capacity() > kKeptBufferSize) in_buffer.shrink_to_fit();
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
