#include "proxy/health_probe.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>

namespace certgate::proxy {
namespace {

template <class Stream>
awaitable<std::string> ask(UpstreamConnection& conn, Stream& stream, const std::string* request, config::Millis timeout,
                           const std::string* label) {
  conn.deadline().expires_after(timeout);
  auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(*request), use_tuple);
  if (wec) co_return classify_upstream_error(wec, "while sending the health check", *label).reason;
  http::response_parser<http::empty_body> parser;
  parser.header_limit(64 * 1024);
  auto [rec, rn] = co_await http::async_read_header(stream, conn.buffer(), parser, use_tuple);
  conn.deadline().expires_never();
  if (rec) co_return classify_upstream_error(rec, "while waiting for the health check", *label).reason;
  const unsigned code = parser.get().result_int();
  if (code >= 200 && code < 300) co_return std::string();
  co_return "upstream " + *label + " answered the health check with " + std::to_string(code);
}

}  // namespace

awaitable<std::string> probe_server(UpstreamTarget target, const std::string* path, config::Millis timeout) {
  UpstreamError err;
  std::unique_ptr<UpstreamConnection> conn = co_await connect_upstream(target, &err);
  if (!conn) co_return err.reason;
  const config::UpstreamConfig& cfg = *target.config;
  const std::string host = cfg.server_name.empty() ? *target.label : cfg.server_name;
  const std::string request = "GET " + *path + " HTTP/1.1\r\nHost: " + host +
                              "\r\nUser-Agent: certgate-health-check\r\nConnection: close\r\n\r\n";
  std::string verdict;
  if (conn->tls()) verdict = co_await ask(*conn, *conn->tls(), &request, timeout, target.label);
  else verdict = co_await ask(*conn, *conn->plain(), &request, timeout, target.label);
  error_code ignored;
  conn->socket().close(ignored);
  co_return verdict;
}

}  // namespace certgate::proxy
