#include "http/session.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>

#include "http/access_log.hpp"
#include "http/identity.hpp"
#include "http/server.hpp"
#include "http/status_text.hpp"
#include "http/tls_socket.hpp"
#include "http/worker.hpp"
#include "proxy/header_policy.hpp"
#include "proxy/relay.hpp"

namespace certgate::server {
namespace {

using Clock = std::chrono::steady_clock;
using http_log::AccessRecord;

// Keeps the process-wide connection count and the worker's drain registry right on every exit path.
class ConnectionGuard {
 public:
  ConnectionGuard(Worker* w, ConnectionSlot* slot) : w_(w), slot_(slot) {
    it_ = w_->connections().insert(w_->connections().end(), slot_);
  }
  ~ConnectionGuard() {
    w_->connections().erase(it_);
    w_->server().open_connections.fetch_sub(1);
  }

 private:
  Worker* w_;
  ConnectionSlot* slot_;
  std::list<ConnectionSlot*>::iterator it_;
};

std::string endpoint_text(const tcp::endpoint& ep) {
  auto addr = ep.address();
  if (addr.is_v6()) return "[" + addr.to_string() + "]:" + std::to_string(ep.port());
  return addr.to_string() + ":" + std::to_string(ep.port());
}

bool is_loopback(const asio::ip::address& a) {
  if (a.is_loopback()) return true;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback();
  return false;
}

// Host header without the port; IPv6 literals without brackets.
std::string host_name_of(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    return std::string(host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  auto colon = host.rfind(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  return std::string(host);
}

struct ConnectionState {
  Worker* worker;
  std::shared_ptr<const Runtime> rt;
  TlsSocket* stream;
  beast::flat_buffer* buffer;
  tls::HandshakeOutcome* outcome;
  const std::string* identity_block;  // the identity headers, rendered once per connection
  std::string* head;                  // scratch for rendered heads (reused by every request)
  std::string client;      // "ip:port"
  std::string client_ip;   // for X-Forwarded-For
  bool detailed = false;   // reasons in response bodies
};

void fill_decision(AccessRecord& r, const tls::HandshakeOutcome& o) {
  r.sni = o.sni;
  r.identity = o.decision.identity;
  r.mapping = o.decision.mapping;
  r.verify = http_id::verify_header_value(o.verify, o.cert.has_value());
  r.fingerprint = o.cert ? o.cert->sha256_hex : "";
  r.resumed = o.resumed;
}

// Writes a short refusal/error response. Always closes the connection afterwards (the body of the request,
// if any, is not read).
awaitable<void> send_refusal(ConnectionState& cs, unsigned version, int status, int substatus, std::string reason,
                             AccessRecord& rec) {
  http::response<http::string_body> res{static_cast<http::status>(status), version};
  res.set(http::field::server, "certgate");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(false);
  res.body() = http_status::refusal_body(status, substatus, reason, cs.detailed);
  res.prepare_payload();
  cs.stream->deadline().expires_after(cs.rt->config.limits.body_timeout);
  auto [ec, n] = co_await http::async_write(*cs.stream, res, use_tuple);
  rec.status = status;
  rec.substatus = substatus;
  rec.reason = std::move(reason);
  rec.bytes_sent = ec ? 0 : res.body().size();
}

// A request that may go again on a new upstream connection when a pooled one turns out to be closed: no
// body (nothing of it is lost) and an idempotent method (RFC 9110 9.2.2).
bool retry_safe(const http::request_parser<http::buffer_body>& parser) {
  if (!parser.is_done()) return false;
  switch (parser.get().method()) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::options:
    case http::verb::trace:
    case http::verb::put:
    case http::verb::delete_: return true;
    default: return false;
  }
}

struct Exchange {
  bool keep_alive = false;
};

// Proxies one admitted request to the upstream and its response back, streaming both bodies.
template <class Upstream>
awaitable<Exchange> proxy_exchange(ConnectionState& cs, http::request_parser<http::buffer_body>& req_parser,
                                   proxy::UpstreamConnection& up_conn, Upstream& up, AccessRecord& rec,
                                   bool* upstream_reusable, bool* retryable) {
  const config::Limits& limits = cs.rt->config.limits;
  Exchange result;
  *upstream_reusable = false;
  *retryable = false;
  auto& req = req_parser.get();
  const bool upgrade = req_parser.upgrade();
  const bool client_keep_alive = req_parser.keep_alive();
  const unsigned client_version = req.version();

  // 1. Request head + body, streamed.
  std::string& head = *cs.head;
  proxy::render_upstream_request(head, req, cs.rt->config.headers, *cs.identity_block, cs.client_ip, upgrade);
  auto started = Clock::now();
  const bool bodyless = req_parser.is_done();
  // Decided before the body is relayed (the parser is done afterwards either way).
  const bool may_retry = up_conn.reused && retry_safe(req_parser);
  if (!bodyless) {
    // A request body follows: the head goes first (the upstream may answer 100-continue or refuse early).
    up_conn.deadline().expires_after(limits.upstream_response_timeout);
    auto [hec, hn] = co_await asio::async_write(up, asio::buffer(head), use_tuple);
    if (hec) {
      auto e = proxy::classify_upstream_error(hec, "while sending the request");
      co_await send_refusal(cs, client_version, e.status, 0, e.reason, rec);
      co_return result;
    }
    head.clear();
  }
  auto body = co_await proxy::relay_body(*cs.stream, *cs.buffer, req_parser, up, head, req_parser.chunked(),
                                         limits.body_timeout, limits.upstream_response_timeout);
  if (body.read_error) {
    // The client's body failed: too large, too slow, or the client went away.
    if (body.read_error == http::error::body_limit) {
      co_await send_refusal(cs, client_version, 413, 0, "request body exceeds max_body_bytes", rec);
    } else {
      rec.status = 400;
      rec.reason = "request body: " + body.read_error.message();
    }
    co_return result;
  }
  if (body.write_error) {
    // A pooled connection the upstream had closed: a retry_safe request goes again on a new one.
    *retryable = may_retry;
    if (*retryable) co_return result;
    auto e = proxy::classify_upstream_error(body.write_error, "while sending the request");
    co_await send_refusal(cs, client_version, e.status, 0, e.reason, rec);
    co_return result;
  }

  // 2. Response head (interim 1xx other than 101 are consumed).
  std::optional<http::response_parser<http::buffer_body>> res_parser;
  for (;;) {
    res_parser.emplace();
    res_parser->body_limit(boost::none);
    if (req.method() == http::verb::head) res_parser->skip(true);
    up_conn.deadline().expires_after(limits.upstream_response_timeout);
    auto [rec_ec, rn] = co_await http::async_read_header(up, up_conn.buffer(), *res_parser, use_tuple);
    if (rec_ec) {
      // Nothing of the response arrived on a pooled connection: it was stale; a retry_safe request goes again.
      *retryable = may_retry && rn == 0 &&
                   (rec_ec == http::error::end_of_stream || rec_ec == asio::error::connection_reset);
      auto e = proxy::classify_upstream_error(rec_ec, "while waiting for the response");
      if (!*retryable) co_await send_refusal(cs, client_version, e.status, 0, e.reason, rec);
      co_return result;
    }
    int code = res_parser->get().result_int();
    if (code >= 100 && code < 200 && code != 101) continue;
    break;
  }
  auto& res = res_parser->get();
  rec.upstream_status = res.result_int();
  rec.upstream_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();

  // 3. Upgrade: relay the 101 and tunnel bytes both ways.
  if (upgrade && res.result() == http::status::switching_protocols) {
    proxy::render_client_response(head, res, client_version, true, true);
    cs.stream->deadline().expires_after(limits.body_timeout);
    auto [wec, wn] = co_await asio::async_write(*cs.stream, asio::buffer(head), use_tuple);
    rec.status = 101;
    if (wec) co_return result;
    rec.bytes_sent = co_await proxy::tunnel(*cs.stream, *cs.buffer, up, up_conn.buffer(), limits.idle_timeout);
    co_return result;
  }

  // 4. Response head + body to the client, streamed.
  bool upstream_keep_alive = res_parser->keep_alive();
  bool keep = client_keep_alive && !cs.worker->draining();
  bool chunked = res_parser->chunked();
  if (client_version < 11 && chunked) {
    // An HTTP/1.0 client cannot read chunked framing: send the raw body and close.
    res.chunked(false);
    chunked = false;
    keep = false;
  }
  // A body that ends when the upstream closes ends the client's connection too: nothing else delimits it.
  if (res_parser->need_eof()) keep = false;
  proxy::render_client_response(head, res, client_version, keep, false);
  rec.status = res.result_int();
  if (up_conn.buffer().size() == 0 && !res_parser->is_done()) {
    // No body yet: send the head now, so that the client sees the response start (a stream, a long poll).
    // Otherwise the head goes out with the first piece of the body, in one record.
    cs.stream->deadline().expires_after(limits.body_timeout);
    auto [wec, wn] = co_await asio::async_write(*cs.stream, asio::buffer(head), use_tuple);
    if (wec) co_return result;
    head.clear();
  }
  auto rbody = co_await proxy::relay_body(up, up_conn.buffer(), *res_parser, *cs.stream, head, chunked,
                                          limits.upstream_response_timeout, limits.body_timeout);
  rec.bytes_sent = rbody.bytes;
  if (rbody.read_error) {
    rec.reason = proxy::classify_upstream_error(rbody.read_error, "while sending the response body").reason;
    co_return result;  // the client sees a truncated body and a closed connection
  }
  if (rbody.write_error) {
    rec.reason = "client went away: " + rbody.write_error.message();
    co_return result;
  }
  *upstream_reusable = upstream_keep_alive && rbody.complete && up_conn.buffer().size() == 0;
  result.keep_alive = keep;
  co_return result;
}

// One admitted request: find an upstream connection (pooled or new), exchange, pool it again.
awaitable<Exchange> forward(ConnectionState& cs, http::request_parser<http::buffer_body>& req_parser,
                            AccessRecord& rec) {
  const Runtime& rt = *cs.rt;
  const bool upgrade = req_parser.upgrade();
  auto& req = req_parser.get();

  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<proxy::UpstreamConnection> conn;
    // A request that cannot be retried (a body, or a method that is not idempotent) takes only a pooled
    // connection that still looks alive.
    if (!upgrade && attempt == 0) conn = cs.worker->pool().take(rt.generation, !retry_safe(req_parser));
    if (!conn) {
      proxy::UpstreamError err;
      conn = co_await proxy::connect_upstream(
          proxy::UpstreamTarget{&rt.config.upstream, rt.upstream_tls.get(), rt.generation,
                                rt.config.limits.upstream_connect_timeout, &cs.worker->deadlines()},
          &err);
      if (!conn) {
        rec.upstream_ms = 0;
        co_await send_refusal(cs, req.version(), err.status, 0, err.reason, rec);
        co_return Exchange{};
      }
    }
    bool reusable = false, retryable = false;
    Exchange ex;
    if (conn->tls()) ex = co_await proxy_exchange(cs, req_parser, *conn, *conn->tls(), rec, &reusable, &retryable);
    else ex = co_await proxy_exchange(cs, req_parser, *conn, *conn->plain(), rec, &reusable, &retryable);
    if (reusable && !upgrade) cs.worker->pool().give_back(std::move(conn), rt.config.upstream.max_idle_per_worker);
    if (!retryable) co_return ex;
    spdlog::debug("upstream keep-alive connection was stale; retrying on a new one");
  }
  co_return Exchange{};
}

// Handles one request whose head has been read. Returns whether the connection may serve another.
awaitable<bool> handle_request(ConnectionState& cs, http::request_parser<http::buffer_body>& parser) {
  const Runtime& rt = *cs.rt;
  auto& req = parser.get();
  AccessRecord rec;
  rec.client = cs.client;
  rec.method = std::string(req.method_string());
  rec.path = std::string(req.target());
  rec.host = std::string(req[http::field::host]);
  fill_decision(rec, *cs.outcome);
  const tls::HandshakeOutcome& o = *cs.outcome;
  bool keep = false;

  // A Host judged by another policy than the SNI the handshake was made for: 421 (RFC 9110 15.5.20).
  const tls::HostRuntime* host_policy = o.host;
  if (!rec.host.empty()) host_policy = &rt.tls->host_for(host_name_of(rec.host));
  if (host_policy != o.host) {
    co_await send_refusal(cs, req.version(), 421, 0,
                          "Host '" + rec.host + "' is served by another policy than SNI '" + o.sni + "'", rec);
  } else if (!o.decision.admitted) {
    co_await send_refusal(cs, req.version(), o.decision.status, o.decision.substatus, o.decision.reason, rec);
  } else if (parser.content_length() && *parser.content_length() > rt.config.limits.max_body_bytes) {
    co_await send_refusal(cs, req.version(), 413, 0, "request body exceeds max_body_bytes", rec);
  } else {
    if (req[http::field::expect] == "100-continue" || beast::iequals(req[http::field::expect], "100-continue")) {
      http::response<http::empty_body> cont{http::status::continue_, req.version()};
      cs.stream->deadline().expires_after(rt.config.limits.body_timeout);
      auto [ec, n] = co_await http::async_write(*cs.stream, cont, use_tuple);
      if (ec) co_return false;
    }
    Exchange ex = co_await forward(cs, parser, rec);
    keep = ex.keep_alive;
  }
  cs.worker->server().access_log().write(rec);
  co_return keep;
}

// A handshake that failed. In reject = "handshake" mode that is where a refusal happens: logged like a request.
// (Kept out of serve_connection, whose coroutine frame lives as long as the connection.)
void log_failed_handshake(Worker& worker, const tcp::endpoint& peer, const tls::HandshakeOutcome& outcome,
                          const error_code& ec) {
  if (outcome.evaluated && !outcome.decision.admitted) {
    AccessRecord rec;
    rec.client = endpoint_text(peer);
    fill_decision(rec, outcome);
    rec.status = outcome.decision.status;
    rec.substatus = outcome.decision.substatus;
    rec.reason = outcome.decision.reason + " (TLS handshake aborted)";
    worker.server().access_log().write(rec);
  } else {
    spdlog::debug("{}: TLS handshake failed: {}", endpoint_text(peer), ec.message());
  }
}

// A request head that could not be read: 408, 413, 431 or 400 (a client that closed gets nothing), logged.
awaitable<void> answer_unread_head(ConnectionState& cs, http::request_parser<http::buffer_body>& parser,
                                   error_code rec_ec) {
  AccessRecord rec;
  rec.client = cs.client;
  fill_decision(rec, *cs.outcome);
  if (rec_ec == beast::error::timeout) {
    rec.status = 408;
    rec.reason = "request head not received within header_timeout";
    cs.worker->server().access_log().write(rec);
  } else if (rec_ec == http::error::body_limit) {
    // Content-Length over max_body_bytes is known from the head alone (which is complete here).
    rec.method = std::string(parser.get().method_string());
    rec.path = std::string(parser.get().target());
    rec.host = std::string(parser.get()[http::field::host]);
    co_await send_refusal(cs, 11, 413, 0, "request body exceeds max_body_bytes", rec);
    cs.worker->server().access_log().write(rec);
  } else if (rec_ec == http::error::header_limit) {
    co_await send_refusal(cs, 11, 431, 0, "request head exceeds max_header_bytes", rec);
    cs.worker->server().access_log().write(rec);
  } else if (rec_ec != http::error::end_of_stream && rec_ec != asio::error::eof &&
             rec_ec != asio::ssl::error::stream_truncated) {
    co_await send_refusal(cs, 11, 400, 0, "malformed request: " + rec_ec.message(), rec);
    cs.worker->server().access_log().write(rec);
  }
}

}  // namespace

awaitable<void> serve_connection(Worker* worker, std::shared_ptr<const Runtime> rt, tcp_socket socket) {
  ConnectionSlot slot;
  ConnectionGuard guard(worker, &slot);
  const config::Limits& limits = rt->config.limits;
  error_code ep_ec;
  tcp::endpoint peer = socket.remote_endpoint(ep_ec);
  socket.set_option(tcp::no_delay(true), ep_ec);

  tls::HandshakeOutcome outcome;
  TlsSocket stream(std::move(socket), rt->tls->new_ssl(&outcome), worker->deadlines(), true);
  slot.socket = &stream.socket();

  stream.deadline().expires_after(limits.handshake_timeout);
  auto [hec] = co_await stream.async_handshake(use_tuple);
  if (hec) {
    log_failed_handshake(*worker, peer, outcome, hec);
    co_return;
  }
  rt->tls->finish(stream.native_handle(), outcome);
  const std::string identity_block = proxy::render_identity_block(
      rt->config.headers, http_id::identity_values(outcome.decision, outcome.cert, outcome.verify));
  std::string head;
  // The full digest of the client certificate stays with the TLS session; the connection keeps only the
  // fingerprint its access-log lines carry.
  if (outcome.cert) {
    core::CertDigest logged;
    logged.sha256_hex = std::move(outcome.cert->sha256_hex);
    outcome.cert = std::move(logged);
  }

  beast::flat_buffer buffer;
  ConnectionState cs{worker, rt, &stream, &buffer, &outcome, &identity_block, &head, endpoint_text(peer),
                     peer.address().to_string(), false};
  switch (rt->config.detailed_errors) {
    case config::DetailedErrors::on: cs.detailed = true; break;
    case config::DetailedErrors::off: cs.detailed = false; break;
    case config::DetailedErrors::local: cs.detailed = is_loopback(peer.address()); break;
  }

  bool first = true;
  for (;;) {
    if (!first && buffer.size() == 0) {
      // Wait for the next request: idle keep-alive time, which a drain may cut short. The first request's
      // head must arrive within header_timeout of the handshake, with no separate wait.
      // No buffer is held while idle: the wait is for readiness only.
      if (worker->draining()) break;
      buffer.shrink_to_fit();
      std::string().swap(head);  // (move-assigning an empty string would keep the capacity)
      stream.release_buffers();
      slot.idle = true;
      stream.deadline().expires_after(limits.idle_timeout);
      auto [rec_ec] = co_await stream.async_wait_readable(use_tuple);
      slot.idle = false;
      if (rec_ec) break;
    }
    http::request_parser<http::buffer_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    stream.deadline().expires_after(limits.header_timeout);
    auto [rec_ec, rn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (rec_ec) {
      co_await answer_unread_head(cs, parser, rec_ec);
      break;
    }
    bool keep = co_await handle_request(cs, parser);
    first = false;
    if (!keep) break;
  }
  // TLS close_notify; a peer that just drops the connection (stream_truncated) is normal.
  if (stream.socket().is_open()) {
    stream.deadline().expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(use_tuple);
  }
}

}  // namespace certgate::server
