#include "server/exchange.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "http/client_response.hpp"
#include "http/upstream_request.hpp"
#include "proxy/relay.hpp"
#include "proxy/upstream.hpp"
#include "proxy/upstream_group.hpp"
#include "server/own_response.hpp"
#include "server/upstream_attempt.hpp"
#include "server/server.hpp"
#include "server/worker.hpp"

namespace certgate::server {
namespace {

using Clock = std::chrono::steady_clock;
using ResponseParser = http::response_parser<http::buffer_body>;

// A misbehaving upstream cannot keep the client waiting forever with interim responses.
constexpr int kMaxInterimResponses = 16;

struct Outcome {
  ExchangeResult result;
  bool upstream_reusable = false;
  bool retry = false;  // a stale pooled connection: go again on a new one
};


// The limits of a body relay. The client's side (the reads of a request body, the writes of a response body)
// answers to body_timeout and body_min_rate, the upstream's side to upstream_response_timeout.
enum class BodyFrom { client, upstream };
proxy::RelayTimes body_times(const config::Limits& limits, BodyFrom from) {
  proxy::RelayTimes t;
  const bool from_client = from == BodyFrom::client;
  t.read_timeout = from_client ? limits.body_timeout : limits.upstream_response_timeout;
  t.write_timeout = from_client ? limits.upstream_response_timeout : limits.body_timeout;
  t.min_rate = limits.body_min_rate;
  t.grace = limits.body_timeout;
  t.rate_on_reads = from_client;
  return t;
}

// The upstream's response heads: interim ones (1xx other than 101) until the final one, which stays in `parser`.
struct ResponseHeads {
  std::optional<ResponseParser> parser;
  bool done = false;      // the final head is in `parser`, or `ec` says why there is none
  error_code ec;
  bool client_failed = false;  // `ec` is the client's: an interim head could not be written to it
  std::size_t bytes = 0;       // bytes of every head read
  int interim_count = 0;
  std::string interim;    // interim heads rendered for the client and not yet sent to it
};

// Reads response heads into `heads` until the final one (or an error). 100 Continue is dropped (certgate sends its
// own), other interim responses (103 Early Hints) are rendered for an HTTP/1.1 client (an HTTP/1.0 client cannot
// read them). send_interim: write them to the client as they come (after any queued before); otherwise they are
// queued in heads.interim, because the client connection is busy: the request body is being read from it.
// Cancelled (the request body relay finished first), it returns with heads.done false: a head it had begun
// stays unparsed in the connection's buffer, to be read again from the start.
template <class Upstream>
awaitable<void> read_response_heads(ConnectionState& cs, proxy::UpstreamConnection& up_conn, Upstream& up,
                                    const h1::CheckedRequest& req, ResponseHeads& heads, bool send_interim) {
  const config::Limits& limits = cs.rt->config.limits;
  for (;;) {
    if (send_interim && !heads.interim.empty()) {
      cs.stream->deadline().expires_after(limits.body_timeout);
      auto [wec, wn] = co_await asio::async_write(*cs.stream, asio::buffer(heads.interim), use_tuple);
      heads.interim.clear();
      if (wec) {
        heads.client_failed = true;
        heads.ec = wec;
        heads.done = true;
        co_return;
      }
    }
    if (heads.done) co_return;
    heads.parser.emplace();
    heads.parser->header_limit(static_cast<std::uint32_t>(limits.max_response_header_bytes));
    heads.parser->body_limit(boost::none);
    if (req.method == "HEAD") heads.parser->skip(true);
    up_conn.deadline().expires_after(limits.upstream_response_timeout);
    auto [ec, n] = co_await http::async_read_header(up, up_conn.buffer(), *heads.parser, use_tuple);
    heads.bytes += n;
    if (ec == asio::error::operation_aborted) co_return;  // cancelled (an expired deadline says timeout)
    if (ec) {
      heads.ec = ec;
      heads.done = true;
      co_return;
    }
    const unsigned code = heads.parser->get().result_int();
    if (code < 100 || code >= 200 || code == 101) {
      heads.done = true;
      co_return;
    }
    if (++heads.interim_count > kMaxInterimResponses) {
      heads.ec = http::error::bad_status;
      heads.done = true;
      co_return;
    }
    if (code == 100 || req.version < 11) continue;
    std::string rendered;
    h1::render_interim_response(rendered, heads.parser->get());
    heads.interim += rendered;
  }
}

// The request body, relayed while the upstream's response heads are read: an upstream may answer before the body
// is complete (a 413, a 401 during an upload), and may send interim responses (100, 103) before it reads the body,
// which must not stop the body. True when the final head (or an upstream error) came first: the rest of the body
// is not relayed (`body` is then untouched).
template <class Upstream>
awaitable<bool> relay_request_body(ConnectionState& cs, RequestParser& parser, const h1::CheckedRequest& req,
                                   proxy::UpstreamConnection& up_conn, Upstream& up, ResponseHeads& heads,
                                   proxy::RelayResult& body) {
  using namespace asio::experimental::awaitable_operators;
  std::string no_head;  // sent already
  const proxy::RelayTimes times = body_times(cs.rt->config.limits, BodyFrom::client);
  const bool chunked = req.framing == h1::Framing::chunked;
  auto raced = co_await (proxy::relay_body(*cs.stream, *cs.buffer, parser, up, no_head, chunked, times) ||
                         read_response_heads(cs, up_conn, up, req, heads, false));
  if (raced.index() == 0) {
    body = std::get<0>(std::move(raced));
    co_return false;
  }
  co_return true;
}

template <class Upstream>
awaitable<Outcome> exchange(ConnectionState& cs, RequestParser& parser, const h1::CheckedRequest& req,
                            const ClientAddress& client, bool last, proxy::UpstreamConnection& up_conn, Upstream& up,
                            const Chosen& to, http_log::AccessRecord& rec) {
  const std::string& label = to.server->label();
  const config::Limits& limits = cs.rt->config.limits;
  Outcome out;
  std::string& head = *cs.head;
  const bool may_retry = up_conn.reused && req.retry_safe;
  h1::render_upstream_request(head, req, parser.get(), cs.rt->header_rules, cs.identity_block, client.ip,
                              cs.rt->config.headers.request_id, rec.request_id, client.from_edge_field);
  const auto started = Clock::now();

  // 1. The request: head, then the body (watching for an early answer).
  bool early_response = false;
  ResponseHeads heads;
  up_conn.deadline().expires_after(limits.upstream_response_timeout);
  auto [hec, hn] = co_await asio::async_write(up, asio::buffer(head), use_tuple);
  if (hec) {
    out.retry = may_retry;
    if (!out.retry) {
      auto e = proxy::classify_upstream_error(hec, "while sending the request", label);
      count_exchange_error(cs, e, to);
      co_await send_refusal(cs, req.version, e.status, 0, e.reason, rec);
    }
    co_return out;
  }
  if (req.framing != h1::Framing::none) {
    proxy::RelayResult body;
    early_response = co_await relay_request_body(cs, parser, req, up_conn, up, heads, body);
    if (!early_response && body.read_error) {
      if (body.read_error == http::error::body_limit) {
        co_await send_refusal(cs, req.version, 413, 0, "request body exceeds max_body_bytes", rec);
      } else if (body.read_error == beast::error::timeout) {
        co_await send_refusal(cs, req.version, 408, 0, "request body not received in time (body_timeout, body_min_rate)",
                              rec);
      } else if (body.read_error == http::error::partial_message || body.read_error == asio::error::eof ||
                 body.read_error == asio::ssl::error::stream_truncated ||
                 body.read_error == asio::error::connection_reset) {
        rec.status = 400;
        rec.reason = "client closed the connection during the request body";
      } else {
        co_await send_refusal(cs, req.version, 400, 0, "malformed request body: " + body.read_error.message(), rec);
      }
      co_return out;
    }
    if (!early_response && body.write_error) {
      // An upstream that answered and closed without reading the rest (a 413 from the head alone) fails the write,
      // but its answer was received before that and is still there to read: relay it. A timeout is no answer.
      if (body.write_error != beast::error::timeout) {
        co_await read_response_heads(cs, up_conn, up, req, heads, true);
        early_response = !heads.ec;
      }
      if (!early_response) {
        auto e = proxy::classify_upstream_error(body.write_error, "while sending the request", label);
        count_exchange_error(cs, e, to);
      co_await send_refusal(cs, req.version, e.status, 0, e.reason, rec);
        co_return out;
      }
    }
  }

  // 2. The response head (after interim ones, and those queued while the body was relayed), checked.
  co_await read_response_heads(cs, up_conn, up, req, heads, true);
  if (heads.client_failed) {
    rec.reason = "client went away: " + heads.ec.message();
    co_return out;
  }
  if (error_code ec = heads.ec) {
    // Nothing of the response arrived on a pooled connection: it was stale; a retry_safe request goes again.
    out.retry = may_retry && heads.bytes == 0 &&
                (ec == http::error::end_of_stream || ec == asio::error::connection_reset);
    if (!out.retry) {
      proxy::UpstreamError e = ec == http::error::header_limit
                                   ? proxy::UpstreamError{502, "upstream " + label +
                                                                   " response head exceeds max_response_header_bytes"}
                                   : proxy::classify_upstream_error(ec, "while waiting for the response", label);
      count_exchange_error(cs, e, to);
      co_await send_refusal(cs, req.version, e.status, 0, e.reason, rec);
    }
    co_return out;
  }
  std::optional<ResponseParser>& res_parser = heads.parser;
  auto& res = res_parser->get();
  to.group->succeeded(to.index);
  rec.upstream_status = res.result_int();
  rec.upstream_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  cs.worker->metrics().all().upstream_response_seconds().Observe(rec.upstream_ms / 1000.0);
  h1::ResponseCheck checked = h1::check_response(res, req.method == "HEAD", req);
  if (!checked.response) {
    co_await send_refusal(cs, req.version, 502, 0, checked.refusal, rec);
    co_return out;
  }

  // 3. An accepted upgrade: the 101, then bytes both ways.
  if (checked.response->upgrade) {
    h1::render_client_response(head, res, *checked.response, h1::ClientFraming{h1::BodyFraming::none, true},
                               req.version);
    cs.stream->deadline().expires_after(limits.body_timeout);
    auto [wec, wn] = co_await asio::async_write(*cs.stream, asio::buffer(head), use_tuple);
    rec.status = 101;
    if (wec) co_return out;
    rec.bytes_sent = co_await proxy::tunnel(*cs.stream, *cs.buffer, up, up_conn.buffer(), limits.idle_timeout);
    co_return out;
  }

  // 4. The response head and body to the client.
  const bool keep = req.keep_alive && !last && !early_response;
  const h1::ClientFraming framing = h1::client_framing(*checked.response, req.version, keep);
  h1::render_client_response(head, res, *checked.response, framing, req.version);
  rec.status = static_cast<int>(checked.response->status);
  if (early_response) {
    rec.reason = "upstream answered before the request body was complete";
    cs.linger = true;
  }
  if (up_conn.buffer().size() == 0 && !res_parser->is_done()) {
    // No body yet: send the head now, so that the client sees the response start (a stream, a long poll).
    // Otherwise the head goes out with the first piece of the body, in one record.
    cs.stream->deadline().expires_after(limits.body_timeout);
    auto [wec, wn] = co_await asio::async_write(*cs.stream, asio::buffer(head), use_tuple);
    if (wec) co_return out;
    head.clear();
  }
  auto rbody = co_await proxy::relay_body(up, up_conn.buffer(), *res_parser, *cs.stream, head,
                                          framing.framing == h1::BodyFraming::chunked, body_times(limits, BodyFrom::upstream));
  rec.bytes_sent = rbody.bytes;
  if (rbody.read_error) {
    rec.reason = proxy::classify_upstream_error(rbody.read_error, "while sending the response body", label).reason;
    co_return out;  // the client sees a truncated body and a closed connection
  }
  if (rbody.write_error) {
    rec.reason = "client went away: " + rbody.write_error.message();
    co_return out;
  }
  out.upstream_reusable = res_parser->keep_alive() && rbody.complete && up_conn.buffer().size() == 0 && !early_response;
  out.result.keep_alive = framing.keep_alive;
  co_return out;
}

// An HTTP/1.1 request's exchange on the chosen server's connection (TLS or not).
class ForwardAttempt final : public UpstreamAttempt {
 public:
  ForwardAttempt(ConnectionState& cs, RequestParser& parser, const h1::CheckedRequest& req, const ClientAddress& client,
                 bool last, http_log::AccessRecord& rec)
      : cs_(cs), parser_(parser), req_(req), client_(client), last_(last), rec_(rec) {}

  awaitable<AttemptResult> run(proxy::UpstreamConnection& conn, const Chosen& to) override {
    Outcome out;
    if (conn.tls()) out = co_await exchange(cs_, parser_, req_, client_, last_, conn, *conn.tls(), to, rec_);
    else out = co_await exchange(cs_, parser_, req_, client_, last_, conn, *conn.plain(), to, rec_);
    result = out.result;
    co_return AttemptResult{out.upstream_reusable, out.retry};
  }

  ExchangeResult result;

 private:
  ConnectionState& cs_;
  RequestParser& parser_;
  const h1::CheckedRequest& req_;
  const ClientAddress& client_;
  bool last_;
  http_log::AccessRecord& rec_;
};

}  // namespace

awaitable<ExchangeResult> forward_request(ConnectionState& cs, RequestParser& parser, const h1::CheckedRequest& req,
                                          const ClientAddress& client, bool last, http_log::AccessRecord& rec) {
  ForwardAttempt attempt(cs, parser, req, client, last, rec);
  std::optional<proxy::UpstreamError> unreachable = co_await with_upstream(cs, req, rec, attempt);
  if (unreachable) {
    co_await send_refusal(cs, req.version, unreachable->status, 0, unreachable->reason, rec);
    co_return ExchangeResult{};
  }
  co_return attempt.result;
}

}  // namespace certgate::server
