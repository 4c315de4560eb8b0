#include "proxy/ocsp_fetch.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "net/plain_socket.hpp"

namespace certgate::proxy {
namespace {

std::string millis_text(config::Millis d) {
  return d.count() % 1000 == 0 ? std::to_string(d.count() / 1000) + "s" : std::to_string(d.count()) + "ms";
}

std::string failure(const error_code& ec, const char* during, config::Millis timeout) {
  if (ec == beast::error::timeout) return std::string("did not answer within ocsp_timeout (") + millis_text(timeout) + ") " + during;
  if (ec == asio::error::connection_refused) return "is unreachable: connection refused";
  return std::string("is unreachable: ") + ec.message() + " " + during;
}

// The responder's addresses: an IP address as it is, a name resolved (within the deadline).
awaitable<std::vector<tcp::endpoint>> endpoints_of(const core::HttpUrl& url, steady_timer& timer, std::string* error) {
  std::vector<tcp::endpoint> out;
  error_code ec;
  const auto address = asio::ip::make_address(url.host, ec);
  if (!ec) {
    out.emplace_back(address, url.port);
    co_return out;
  }
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  tcp_resolver resolver(ex);
  auto raced = co_await (resolver.async_resolve(url.host, std::to_string(url.port), use_tuple) ||
                         timer.async_wait(use_tuple));
  if (raced.index() == 1) {
    *error = "did not resolve within ocsp_timeout";
    co_return out;
  }
  auto [rec, results] = std::get<0>(std::move(raced));
  if (rec) {
    *error = "cannot be resolved: " + rec.message();
    co_return out;
  }
  for (const auto& entry : results) out.push_back(entry.endpoint());
  co_return out;
}

}  // namespace

awaitable<OcspFetch> fetch_ocsp(const core::HttpUrl& url, const std::string& request, config::Millis timeout,
                                net::DeadlineWatch& deadlines) {
  OcspFetch out;
  auto ex = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  steady_timer timer(ex);
  timer.expires_at(deadline);
  const std::vector<tcp::endpoint> endpoints = co_await endpoints_of(url, timer, &out.error);
  if (endpoints.empty()) {
    if (out.error.empty()) out.error = "cannot be resolved: no address";
    co_return out;
  }

  net::PlainSocket socket(tcp_socket(ex), deadlines);
  socket.deadline().expires_at(deadline);
  error_code ec = asio::error::host_not_found;
  for (const tcp::endpoint& ep : endpoints) {
    error_code ignored;
    socket.socket().close(ignored);
    socket.socket().open(ep.protocol(), ec);
    if (ec) continue;
    std::tie(ec) = co_await socket.async_connect(ep, use_tuple);
    if (!ec || ec == beast::error::timeout) break;
  }
  if (ec) {
    out.error = failure(ec, "while connecting", timeout);
    co_return out;
  }

  http::request<http::string_body> req{http::verb::post, url.path, 11};
  req.set(http::field::host, url.authority);
  req.set(http::field::content_type, "application/ocsp-request");
  req.set(http::field::accept, "application/ocsp-response");
  req.set(http::field::connection, "close");
  req.set(http::field::user_agent, "certgate");
  req.body() = request;
  req.prepare_payload();
  auto [wec, wn] = co_await http::async_write(socket, req, use_tuple);
  if (wec) {
    out.error = failure(wec, "while sending the request", timeout);
    co_return out;
  }

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(kMaxOcspResponseBytes);
  auto [rec, rn] = co_await http::async_read(socket, buffer, parser, use_tuple);
  if (rec == http::error::body_limit) {
    out.error = "sent a response larger than " + std::to_string(kMaxOcspResponseBytes / 1024) + " KiB";
    co_return out;
  }
  if (rec == http::error::end_of_stream || rec == http::error::partial_message) {
    out.error = "closed the connection before its response was complete";
    co_return out;
  }
  if (rec) {
    const bool http_error = rec.category() == http::make_error_code(http::error::bad_version).category();
    out.error = http_error ? "sent a malformed HTTP response: " + rec.message()
                           : failure(rec, "while reading the response", timeout);
    co_return out;
  }
  error_code ignored;
  socket.socket().shutdown(tcp::socket::shutdown_both, ignored);
  const auto& res = parser.get();
  if (res.result_int() != 200) {
    out.error = "answered HTTP " + std::to_string(res.result_int()) + " instead of a response";
    co_return out;
  }
  out.body = std::move(parser.get().body());
  out.ok = true;
  co_return out;
}

}  // namespace certgate::proxy
