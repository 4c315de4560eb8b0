#include "server/h2_connection_state.hpp"

#include "http/request_id.hpp"
#include "server/request_log.hpp"

namespace certgate::server {

h2::SessionLimits session_limits(const config::Limits& l) {
  h2::SessionLimits s;
  s.max_concurrent_streams = l.h2_max_concurrent_streams;
  s.header_table_size = l.h2_header_table_size;
  s.stream_window = l.h2_stream_window;
  s.connection_window = l.h2_connection_window;
  s.max_header_list = static_cast<std::uint32_t>(l.max_header_bytes);
  s.max_continuations = l.h2_max_continuations;
  s.reset_burst = l.h2_reset_burst;
  s.reset_rate = l.h2_reset_rate;
  s.control_burst = l.h2_control_burst;
  s.control_rate = l.h2_control_rate;
  return s;
}

H2Connection::H2Connection(ConnectionState& state)
    : cs(state), session(session_limits(state.rt->config.limits), *this), wake_timer(state.stream->get_executor()) {
  wake_timer.expires_at(steady_timer::time_point::max());
  adopt_decision();
}

void H2Connection::adopt_decision() {
  auto d = std::make_shared<H2Decision>();
  d->rt = cs.rt;
  d->outcome = *cs.outcome;
  d->identity_block = cs.identity_block;
  decision = std::move(d);
}

awaitable<bool> H2Connection::wait(H2Stream& st, std::chrono::milliseconds timeout) {
  if (st.woken) {
    st.woken = false;
    co_return true;
  }
  st.signal.expires_after(timeout);
  auto [ec] = co_await st.signal.async_wait(use_tuple);
  const bool woken = st.woken || ec == asio::error::operation_aborted;
  st.woken = false;
  co_return woken;
}

awaitable<bool> H2Connection::drain(H2Stream& st, std::size_t limit, std::chrono::milliseconds timeout) {
  while (!st.closed && session.queued_body(st.id) > limit) {
    const std::size_t before = session.queued_body(st.id);
    if (!co_await wait(st, timeout) && session.queued_body(st.id) >= before) {
      session.reset(st.id, 0x8 /* CANCEL */);
      wake();
      st.stalled = true;
      co_return false;
    }
  }
  co_return !(st.closed && session.queued_body(st.id) > 0);
}

void H2Connection::finished(std::int32_t id) {
  auto it = streams.find(id);
  if (it != streams.end()) {
    // Body the stream did not relay still counts against the windows until consumed.
    if (!it->second->body.empty()) dropped.emplace_back(id, it->second->body.size());
    streams.erase(it);
  }
  --live;
  wake();
}

H2Stream* H2Connection::find(std::int32_t id) {
  auto it = streams.find(id);
  return it == streams.end() ? nullptr : it->second.get();
}

void H2Connection::on_request(std::int32_t id, h2::Fields&& fields, bool oversized, bool end_stream) {
  auto st = std::make_unique<H2Stream>(wake_timer.get_executor(), id);
  st->fields = std::move(fields);
  st->oversized = oversized;
  st->head_ends_stream = end_stream;
  st->ended = end_stream;
  streams[id] = std::move(st);
  starting.push_back(id);
}

void H2Connection::on_data(std::int32_t id, const std::uint8_t* data, std::size_t size) {
  H2Stream* st = find(id);
  if (!st || st->closed) {
    dropped.emplace_back(id, size);
    return;
  }
  st->body.append(reinterpret_cast<const char*>(data), size);
  st->body_received += size;
  st->wake();
  // Streams holding their body for the whole of it stop waiting: no more comes until some is relayed.
  if (session.receive_window_full()) {
    for (auto& [other, s] : streams) s->wake();
  }
}

void H2Connection::on_trailers(std::int32_t id, h2::Fields&& fields) {
  if (H2Stream* st = find(id)) st->trailers = std::move(fields);
}

void H2Connection::on_end_stream(std::int32_t id) {
  if (H2Stream* st = find(id)) {
    st->ended = true;
    st->wake();
  }
}

void H2Connection::on_body_sent(std::int32_t id) {
  if (H2Stream* st = find(id)) st->wake();
}

void H2Connection::on_close(std::int32_t id, std::uint32_t code, bool head_incomplete) {
  H2Stream* st = find(id);
  if (head_incomplete && !st) {
    // No stream phase ever ran: the refusal's log line is written here.
    http_log::AccessRecord rec = new_record(cs);
    rec.proto = "h2";
    rec.stream_id = static_cast<std::uint32_t>(id);
    rec.request_id = http_id::generate_request_id();
    rec.status = 400;
    rec.reason = code == 0x1 ? "malformed HTTP/2 request head (RFC 9113 8.2): stream reset with PROTOCOL_ERROR"
                             : "stream reset before its head was complete: " + reset_reason(code);
    write_log(cs, rec);
    return;
  }
  if (!st) return;
  st->closed = true;
  st->close_code = code;
  if (st->upstream) {
    error_code ignored;
    st->upstream->socket().cancel(ignored);
  }
  st->wake();
}

std::string reset_reason(std::uint32_t code) {
  switch (code) {
    case 0x0: return "NO_ERROR";
    case 0x1: return "PROTOCOL_ERROR (the request broke HTTP/2 rules, e.g. content-length against DATA)";
    case 0x2: return "INTERNAL_ERROR";
    case 0x3: return "FLOW_CONTROL_ERROR";
    case 0x5: return "STREAM_CLOSED";
    case 0x6: return "FRAME_SIZE_ERROR";
    case 0x7: return "REFUSED_STREAM";
    case 0x8: return "CANCEL";
    case 0xb: return "ENHANCE_YOUR_CALM";
    default: return "error code " + std::to_string(code);
  }
}

}  // namespace certgate::server
