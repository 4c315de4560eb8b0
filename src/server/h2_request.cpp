#include "server/h2_request.hpp"

#include "h2/request_head.hpp"
#include "h2/response_head.hpp"
#include "http/request_check.hpp"
#include "http/request_id.hpp"
#include "http/status_text.hpp"
#include "server/client_address.hpp"
#include "server/connection_decision.hpp"
#include "server/h2_exchange.hpp"
#include "server/request_log.hpp"
#include "server/route.hpp"

namespace certgate::server {
namespace {

// What a head that could not be translated shows in the log.
void describe_untranslated(http_log::AccessRecord& rec, const h2::Fields& fields) {
  for (const h2::Field& f : fields) {
    if (f.first == ":method") rec.method = f.second;
    else if (f.first == ":path") rec.path = f.second;
    else if (f.first == ":authority") rec.host = f.second;
  }
}

// Waits until the request body is complete, or fills the stream's window or the connection's (the client cannot
// send more before it is relayed): a request that fits is checked whole before anything of it reaches the upstream. False (answered)
// when the client took longer than body_timeout or reset the stream.
awaitable<bool> hold_body(H2Connection& conn, H2Stream& st, const ConnectionState& scs, http_log::AccessRecord& rec) {
  const config::Limits& limits = scs.rt->config.limits;
  while (!st.ended && !st.closed && st.body_received < limits.h2_stream_window &&
         !conn.session.receive_window_full()) {
    if (!co_await conn.wait(st, limits.body_timeout)) {
      h2_respond_own(conn, st, scs, 408, 0, "request body not received in time (body_timeout)", rec);
      co_return false;
    }
  }
  if (st.closed) {
    rec.status = 400;
    rec.reason = "stream reset during the request body: " + reset_reason(st.close_code);
    co_return false;
  }
  co_return true;
}

awaitable<void> serve_phases(H2Connection& conn, H2Stream& st, ConnectionState& scs, http_log::AccessRecord& rec) {
  const tls::HandshakeOutcome& o = *scs.outcome;
  const Runtime& rt = *scs.rt;
  if (st.oversized) {
    describe_untranslated(rec, st.fields);
    rec.request_id = http_id::generate_request_id();
    h2_respond_own(conn, st, scs, 431, 0, "request head exceeds max_header_bytes", rec);
    co_return;
  }
  h2::TranslatedRequest tr = h2::translate_request(st.fields);
  if (!tr.head) {
    describe_untranslated(rec, st.fields);
    rec.request_id = http_id::generate_request_id();
    h2_respond_own(conn, st, scs, tr.status, 0, std::move(tr.reason), rec);
    co_return;
  }
  boost::beast::http::request_header<>& head = *tr.head;
  describe_request(rec, head);
  const bool edge = verified_edge(scs);
  rec.request_id = http_id::request_id_for(head, rt.config.headers.request_id_from, edge);
  h1::RequestCheck check = h1::check_request(head, rt.header_rules, rt.config.limits.max_body_bytes, o.sni);
  if (!check.request) {
    h2_respond_own(conn, st, scs, check.refusal.status, 0, check.refusal.reason, rec);
    co_return;
  }
  if (auto reason = misdirected(scs, *check.request)) {
    h2_respond_own(conn, st, scs, 421, 0, *reason, rec);
    co_return;
  }
  if (!o.decision.lets_through()) {
    h2_respond_own(conn, st, scs, o.decision.status, o.decision.substatus, o.decision.reason, rec);
    rec.reason = o.decision.log_reason();  // the body has the reason at most; the log also has the cause
    co_return;
  }
  note_let_through(rec, o);
  if (check.request->expect_continue && !st.ended) {
    conn.session.submit_interim(st.id, 100);
    conn.wake();
  }
  if (!co_await hold_body(conn, st, scs, rec)) co_return;
  // The framing the upstream gets: certgate's, from what it holds (a client's content-length was checked against
  // the DATA frames by then), and the head checked again with it.
  // Request trailers travel only in a chunked body: a body that came with trailers is chunked even when whole.
  h2::set_body_framing(head, st.head_ends_stream, st.ended && st.trailers.empty(), st.body_received);
  check = h1::check_request(head, rt.header_rules, rt.config.limits.max_body_bytes, o.sni);
  if (!check.request) {
    h2_respond_own(conn, st, scs, check.refusal.status, 0, check.refusal.reason, rec);
    co_return;
  }
  const ClientAddress client = client_address_of(scs, head, edge);
  co_await forward_h2_stream(conn, st, scs, head, *check.request, client, rec);
}

}  // namespace

void h2_respond_own(H2Connection& conn, H2Stream& st, const ConnectionState& scs, int status, int substatus,
                    std::string reason, http_log::AccessRecord& rec) {
  const std::string body = http_status::refusal_body(status, substatus, reason, scs.detailed);
  rec.status = status;
  rec.substatus = substatus;
  rec.reason = std::move(reason);
  if (st.closed) return;
  conn.session.submit_response(st.id, status, h2::own_response_fields(body.size()), !body.empty());
  conn.session.append_body(st.id, body);
  conn.session.end_body(st.id);
  if (!st.ended) conn.session.reset_after_response(st.id);
  rec.bytes_sent = body.size();
  conn.wake();
}

awaitable<void> serve_h2_stream(H2Connection* conn, H2Stream* st) {
  const std::shared_ptr<H2Decision> decision = conn->decision;
  ConnectionState scs = conn->cs;
  scs.rt = decision->rt;
  scs.outcome = &decision->outcome;
  scs.identity_block = decision->identity_block;
  scs.stream = nullptr;  // the connection's loop alone reads and writes the socket
  scs.buffer = nullptr;
  std::string head;
  scs.head = &head;
  http_log::AccessRecord rec = new_record(scs);
  rec.proto = "h2";
  rec.stream_id = static_cast<std::uint32_t>(st->id);
  co_await serve_phases(*conn, *st, scs, rec);
  write_log(scs, rec);
}

}  // namespace certgate::server
