#pragma once
// Streaming between a client and the upstream: bodies piece by piece through a fixed buffer (never the
// whole message in memory), and a raw byte tunnel for Upgrade / WebSocket.
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <array>
#include <chrono>
#include <cstdint>

#include "http/net.hpp"

namespace certgate::proxy {

struct RelayResult {
  error_code read_error;   // the side we read from failed
  error_code write_error;  // the side we wrote to failed
  std::uint64_t bytes = 0; // body bytes relayed
};

template <class Stream>
beast::tcp_stream& lowest(Stream& s) {
  return beast::get_lowest_layer(s);
}

// Relays the body of a message whose head is already in `parser` (and whose head `sr` may or may not have
// written yet) from `in` to `out`. Chunked framing is re-encoded by the serializer when the head says so.
template <bool isRequest, class In, class Out>
awaitable<RelayResult> relay_body(In& in, beast::flat_buffer& in_buffer,
                                  http::parser<isRequest, http::buffer_body>& parser, Out& out,
                                  http::serializer<isRequest, http::buffer_body, http::fields>& sr,
                                  std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout) {
  RelayResult result;
  std::array<char, 16 * 1024> buf;
  do {
    if (!parser.is_done()) {
      parser.get().body().data = buf.data();
      parser.get().body().size = buf.size();
      lowest(in).expires_after(read_timeout);
      auto [ec, n] = co_await http::async_read(in, in_buffer, parser, use_tuple);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        result.read_error = ec;
        co_return result;
      }
      parser.get().body().size = buf.size() - parser.get().body().size;
      parser.get().body().data = buf.data();
      parser.get().body().more = !parser.is_done();
    } else {
      parser.get().body().data = nullptr;
      parser.get().body().size = 0;
      parser.get().body().more = false;
    }
    result.bytes += parser.get().body().size;
    lowest(out).expires_after(write_timeout);
    auto [wec, wn] = co_await http::async_write(out, sr, use_tuple);
    if (wec == http::error::need_buffer) wec = {};
    if (wec) {
      result.write_error = wec;
      co_return result;
    }
  } while (!parser.is_done() && !sr.is_done());
  co_return result;
}

// Copies bytes from `from` to `to` until either side closes or stays idle for `idle`.
template <class From, class To>
awaitable<std::uint64_t> pump(From& from, beast::flat_buffer& pending, To& to, std::chrono::milliseconds idle) {
  std::uint64_t total = 0;
  if (pending.size() > 0) {
    lowest(to).expires_after(idle);
    auto [ec, n] = co_await asio::async_write(to, pending.data(), use_tuple);
    if (ec) co_return total;
    total += n;
    pending.consume(pending.size());
  }
  std::array<char, 16 * 1024> buf;
  for (;;) {
    lowest(from).expires_after(idle);
    auto [rec, n] = co_await from.async_read_some(asio::buffer(buf), use_tuple);
    if (n > 0) {
      lowest(to).expires_after(idle);
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
