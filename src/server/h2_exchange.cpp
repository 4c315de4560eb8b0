#include "server/h2_exchange.hpp"

#include <array>

#include "h2/request_head.hpp"
#include "h2/response_head.hpp"
#include "http/client_response.hpp"
#include "http/upstream_request.hpp"
#include "server/h2_request.hpp"
#include "server/h2_upstream_exchange.hpp"
#include "server/server.hpp"
#include "server/upstream_attempt.hpp"
#include "server/worker.hpp"

namespace certgate::server {
namespace {

using Clock = std::chrono::steady_clock;
using ResponseParser = http::response_parser<http::buffer_body>;

constexpr int kMaxInterimResponses = 16;
// Response body queued on a stream beyond what the client's window let out, at most: then the relay waits.
constexpr std::size_t kQueuedLimit = 64 * 1024;
constexpr const char* kStalled = "client took no response body for body_timeout (flow-control window held shut)";

enum class BodyRelay { done, client_reset, client_timeout, too_large, bad_trailers, write_error };

void append_chunk_size(std::string& out, std::size_t n) {
  char hex[20];
  int len = 0;
  do {
    hex[len++] = "0123456789abcdef"[n % 16];
    n /= 16;
  } while (n > 0);
  while (len > 0) out.push_back(hex[--len]);
  out.append("\r\n");
}

class H2Attempt final : public UpstreamAttempt {
 public:
  H2Attempt(H2Connection& conn, H2Stream& st, ConnectionState& scs, const http::request_header<>& head,
            const h1::CheckedRequest& req, const ClientAddress& client, http_log::AccessRecord& rec)
      : conn_(conn), st_(st), scs_(scs), head_(head), req_(req), client_(client), rec_(rec) {}

  awaitable<AttemptResult> run(proxy::UpstreamConnection& up_conn, const Chosen& to) override {
    struct InUse {
      H2Stream& st;
      ~InUse() { st.upstream = nullptr; }
    } in_use{st_};
    st_.upstream = &up_conn;
    AttemptResult r;
    if (to.group->config().protocol == config::UpstreamProtocol::h2) {
      r = co_await exchange_with_h2_upstream(conn_, st_, scs_, head_, req_, client_, rec_, up_conn, to);
    } else if (up_conn.tls()) r = co_await exchange(up_conn, *up_conn.tls(), to);
    else r = co_await exchange(up_conn, *up_conn.plain(), to);
    co_return r;
  }

 private:
  void refuse(int status, std::string reason) { h2_respond_own(conn_, st_, scs_, status, 0, std::move(reason), rec_); }

  // The request body: what the stream holds, then the rest as it comes.
  template <class Upstream>
  awaitable<BodyRelay> relay_body(Upstream& up, proxy::UpstreamConnection& up_conn) {
    const config::Limits& limits = scs_.rt->config.limits;
    const bool chunked = req_.framing == h1::Framing::chunked;
    std::uint64_t total = 0;
    std::string wire;
    for (;;) {
      wire.clear();
      std::size_t taken = 0;
      bool last = false;
      if (!st_.body.empty()) {
        std::string piece;
        piece.swap(st_.body);
        taken = piece.size();
        total += taken;
        if (total > limits.max_body_bytes) co_return BodyRelay::too_large;
        if (chunked) {
          append_chunk_size(wire, piece.size());
          wire.append(piece);
          wire.append("\r\n");
        } else {
          wire = std::move(piece);
        }
      } else if (st_.ended) {
        if (!chunked) co_return BodyRelay::done;
        std::optional<h2::Fields> trailers = h2::forwardable_trailers(st_.trailers, scs_.rt->header_rules);
        if (!trailers) co_return BodyRelay::bad_trailers;
        wire.append("0\r\n");
        for (const h2::Field& f : *trailers) wire.append(f.first).append(": ").append(f.second).append("\r\n");
        wire.append("\r\n");
        last = true;
      } else if (st_.closed) {
        co_return BodyRelay::client_reset;
      } else {
        if (!co_await conn_.wait(st_, limits.body_timeout)) co_return BodyRelay::client_timeout;
        continue;
      }
      up_conn.deadline().expires_after(limits.upstream_response_timeout);
      auto [ec, n] = co_await asio::async_write(up, asio::buffer(wire), use_tuple);
      if (ec) co_return BodyRelay::write_error;
      if (last) co_return BodyRelay::done;  // the last chunk and the trailers
      conn_.session.consume(st_.id, taken);
      conn_.wake();
    }
  }

  // Waits until at most `limit` bytes of the response body are queued on the stream. A client that takes nothing
  // for body_timeout (a zero window held shut) has the stream reset: false, as when the stream closed.
  // Why H2Connection::drain() gave up on the stream, for the log.
  void note_undrained() {
    if (st_.stalled) rec_.reason = kStalled;
    else if (rec_.reason.empty()) rec_.reason = "stream reset during the response body: " + reset_reason(st_.close_code);
  }

  template <class Upstream>
  awaitable<AttemptResult> exchange(proxy::UpstreamConnection& up_conn, Upstream& up, const Chosen& to) {
    const std::string& label = to.server->label();
    const config::Limits& limits = scs_.rt->config.limits;
    AttemptResult out;
    std::string wire;
    h1::render_upstream_request(wire, req_, head_, scs_.rt->header_rules, scs_.identity_block, client_.ip,
                                scs_.rt->config.headers.request_id, rec_.request_id, client_.from_edge_field);
    const auto started = Clock::now();
    const bool may_retry = up_conn.reused && req_.retry_safe;
    up_conn.deadline().expires_after(limits.upstream_response_timeout);
    auto [hec, hn] = co_await asio::async_write(up, asio::buffer(wire), use_tuple);
    if (hec) {
      out.retry = may_retry && !st_.closed;
      if (!out.retry) {
        auto e = proxy::classify_upstream_error(hec, "while sending the request", label);
        count_exchange_error(scs_, e, to);
        refuse(e.status, e.reason);
      }
      co_return out;
    }
    bool body_failed = false;
    if (req_.framing != h1::Framing::none) {
      const BodyRelay b = co_await relay_body(up, up_conn);
      switch (b) {
        case BodyRelay::done: break;
        case BodyRelay::client_reset:
          rec_.status = 400;
          rec_.reason = "stream reset during the request body: " + reset_reason(st_.close_code);
          co_return out;
        case BodyRelay::client_timeout:
          refuse(408, "request body not received in time (body_timeout)");
          co_return out;
        case BodyRelay::too_large:
          refuse(413, "request body exceeds max_body_bytes");
          co_return out;
        case BodyRelay::bad_trailers:
          refuse(400, "malformed request trailers");
          co_return out;
        case BodyRelay::write_error: body_failed = true; break;  // an answer may be there already: read it
      }
    }

    // The response head, after interim ones (dropped: 100 is certgate's own, 103 is not relayed over h2 yet).
    std::optional<ResponseParser> parser;
    error_code ec;
    std::size_t head_bytes = 0;
    for (int interim = 0;; ++interim) {
      parser.emplace();
      parser->header_limit(static_cast<std::uint32_t>(limits.max_response_header_bytes));
      parser->body_limit(boost::none);
      if (req_.method == "HEAD") parser->skip(true);
      up_conn.deadline().expires_after(limits.upstream_response_timeout);
      auto [rec_ec, n] = co_await http::async_read_header(up, up_conn.buffer(), *parser, use_tuple);
      head_bytes += n;
      ec = rec_ec;
      if (ec) break;
      const unsigned code = parser->get().result_int();
      if (code < 100 || code >= 200 || code == 101) break;
      if (interim >= kMaxInterimResponses) {
        ec = http::error::bad_status;
        break;
      }
    }
    if (st_.closed) {
      rec_.status = 499;  // (nginx's "client closed request": nothing was sent)
      rec_.reason = "stream reset while waiting for the response: " + reset_reason(st_.close_code);
      co_return out;
    }
    if (ec) {
      out.retry = may_retry && head_bytes == 0 && !body_failed &&
                  (ec == http::error::end_of_stream || ec == asio::error::connection_reset);
      if (!out.retry) {
        proxy::UpstreamError e =
            ec == http::error::header_limit
                ? proxy::UpstreamError{502, "upstream " + label + " response head exceeds max_response_header_bytes"}
                : proxy::classify_upstream_error(ec, "while waiting for the response", label);
        count_exchange_error(scs_, e, to);
        refuse(e.status, e.reason);
      }
      co_return out;
    }
    auto& res = parser->get();
    to.group->succeeded(to.index);
    rec_.upstream_status = res.result_int();
    rec_.upstream_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    scs_.worker->metrics().all().upstream_response_seconds().Observe(rec_.upstream_ms / 1000.0);
    h1::ResponseCheck checked = h1::check_response(res, req_.method == "HEAD", req_);
    if (!checked.response || checked.response->upgrade) {
      refuse(502, checked.response ? "upstream switched protocols on an HTTP/2 stream" : checked.refusal);
      co_return out;
    }
    const h1::CheckedResponse& cr = *checked.response;
    const bool has_body = cr.framing != h1::BodyFraming::none;
    conn_.session.submit_response(st_.id, static_cast<int>(cr.status), h2::response_fields(res, cr), has_body);
    conn_.wake();
    rec_.status = static_cast<int>(cr.status);
    if (body_failed) rec_.reason = "upstream answered before the request body was complete";
    if (!has_body) {
      out.upstream_reusable = parser->keep_alive() && up_conn.buffer().size() == 0 && !body_failed;
      co_return out;
    }

    // The response body, as the client's windows take it.
    std::array<char, 16 * 1024> buf;
    for (;;) {
      const bool drained = co_await conn_.drain(st_, kQueuedLimit, limits.body_timeout);
      if (!drained) {
        note_undrained();
        co_return out;
      }
      if (st_.closed) {
        rec_.reason = "stream reset during the response body: " + reset_reason(st_.close_code);
        co_return out;
      }
      if (parser->is_done()) break;
      parser->get().body().data = buf.data();
      parser->get().body().size = buf.size();
      up_conn.deadline().expires_after(limits.upstream_response_timeout);
      auto [rec_ec, n] = co_await http::async_read_some(up, up_conn.buffer(), *parser, use_tuple);
      const std::size_t produced = buf.size() - parser->get().body().size;
      if (produced > 0) {
        conn_.session.append_body(st_.id, std::string_view(buf.data(), produced));
        rec_.bytes_sent += produced;
        conn_.wake();
      }
      if (rec_ec == http::error::need_buffer) continue;
      if (rec_ec == http::error::end_of_stream && cr.framing == h1::BodyFraming::until_close) break;
      if (rec_ec) {
        if (st_.closed) continue;  // reported above
        rec_.reason =
            proxy::classify_upstream_error(rec_ec, "while sending the response body", label).reason;
        conn_.session.reset(st_.id, 0x2 /* INTERNAL_ERROR */);
        conn_.wake();
        co_return out;
      }
    }
    conn_.session.end_body(st_.id);
    conn_.wake();
    // The upstream connection is done with; the stream stays until the client took the rest.
    out.upstream_reusable = parser->keep_alive() && parser->is_done() && up_conn.buffer().size() == 0 && !body_failed;
    st_.upstream = nullptr;
    const bool drained = co_await conn_.drain(st_, 0, limits.body_timeout);
    if (!drained) note_undrained();
    co_return out;
  }

  H2Connection& conn_;
  H2Stream& st_;
  ConnectionState& scs_;
  const http::request_header<>& head_;
  const h1::CheckedRequest& req_;
  const ClientAddress& client_;
  http_log::AccessRecord& rec_;
};

}  // namespace

awaitable<void> forward_h2_stream(H2Connection& conn, H2Stream& st, ConnectionState& scs,
                                  const http::request_header<>& head, const h1::CheckedRequest& req,
                                  const ClientAddress& client, http_log::AccessRecord& rec) {
  H2Attempt attempt(conn, st, scs, head, req, client, rec);
  std::optional<proxy::UpstreamError> unreachable = co_await with_upstream(scs, req, rec, attempt);
  if (unreachable) h2_respond_own(conn, st, scs, unreachable->status, 0, unreachable->reason, rec);
}

}  // namespace certgate::server
