#include "server/echo_upstream.hpp"

#include <spdlog/spdlog.h>

#include "http/access_log.hpp"

namespace certgate::server {
namespace {

std::string echo_json(const http::request<http::string_body>& req) {
  std::string s = "{\"method\":\"" + http_log::json_escape(req.method_string()) + "\",\"path\":\"" +
                  http_log::json_escape(req.target()) + "\",\"body_bytes\":" + std::to_string(req.body().size()) +
                  ",\"headers\":{";
  bool first = true;
  for (const auto& f : req) {
    if (!first) s += ",";
    first = false;
    s += "\"" + http_log::json_escape(f.name_string()) + "\":\"" + http_log::json_escape(f.value()) + "\"";
  }
  return s + "}}\n";
}

awaitable<void> echo_session(tcp_socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    stream.expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await http::async_read(stream, buffer, req, use_tuple);
    if (ec) break;
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = echo_json(req);
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
    if (wec || !res.keep_alive()) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

awaitable<void> echo_accept(tcp_acceptor* acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
    if (ec) co_return;
    asio::co_spawn(acceptor->get_executor(), echo_session(std::move(socket)), [](std::exception_ptr e) {
      if (e) spdlog::warn("echo upstream: session failed");
    });
  }
}

}  // namespace

EchoUpstream::EchoUpstream() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(ioc_, echo_accept(&acceptor_), asio::detached);
  thread_ = std::thread([this] { ioc_.run(); });
}

EchoUpstream::~EchoUpstream() {
  asio::post(ioc_, [this] {
    error_code ignored;
    acceptor_.close(ignored);
  });
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace certgate::server
