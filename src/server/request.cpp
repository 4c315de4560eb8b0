#include "server/request.hpp"

#include "http/request_id.hpp"
#include "server/client_address.hpp"
#include "server/connection_decision.hpp"
#include "server/exchange.hpp"
#include "server/own_response.hpp"
#include "server/request_log.hpp"
#include "server/route.hpp"

namespace certgate::server {

awaitable<bool> serve_request(ConnectionState& cs, RequestParser& parser) {
  const auto& head = parser.get();
  http_log::AccessRecord rec = new_record(cs);
  describe_request(rec, head);
  bool keep = false;

  // The connection's decision, taken again first if the configuration was reloaded or it expired: the request is
  // then checked, routed and decided under the current configuration.
  if (co_await refresh_decision(cs)) {
    rec = new_record(cs);
    describe_request(rec, head);
  }
  const tls::HandshakeOutcome& o = *cs.outcome;
  const bool edge = verified_edge(cs);
  rec.request_id = http_id::request_id_for(head, cs.rt->config.headers.request_id_from, edge);
  h1::RequestCheck check = h1::check_request(head, cs.rt->header_rules, cs.rt->config.limits.max_body_bytes, o.sni);
  if (!check.request) {
    co_await send_refusal(cs, head.version(), check.refusal.status, 0, check.refusal.reason, rec);
  } else if (!h1::beast_agrees(parser, *check.request)) {
    co_await send_refusal(cs, head.version(), 400, 0, "request framing is ambiguous", rec);
  } else if (auto reason = misdirected(cs, *check.request)) {
    co_await send_refusal(cs, head.version(), 421, 0, *reason, rec);
  } else if (!o.decision.lets_through()) {
    co_await send_refusal(cs, head.version(), o.decision.status, o.decision.substatus, o.decision.reason, rec);
    rec.reason = o.decision.log_reason();  // the body has the reason at most; the log also has the cause
  } else {
    note_let_through(rec, o);
    bool go = true;
    if (check.request->expect_continue) go = co_await send_continue(cs);
    if (go) {
      const ClientAddress client = client_address_of(cs, head, edge);
      ExchangeResult ex =
          co_await forward_request(cs, parser, *check.request, client, last_request_on_connection(cs), rec);
      keep = ex.keep_alive;
    } else {
      rec.reason = "client went away before 100 Continue";
    }
  }
  ++cs.requests;
  write_log(cs, rec);
  co_return keep;
}

}  // namespace certgate::server
