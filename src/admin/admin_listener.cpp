#include "admin/admin_listener.hpp"

#include <spdlog/spdlog.h>

#include "admin/admin_routes.hpp"
#include "admin/upstream_readiness.hpp"
#include "server/server.hpp"

namespace certgate::admin {
namespace {

using admin_stream = beast::basic_stream<tcp, executor, beast::unlimited_rate_policy>;

constexpr std::size_t kMaxRequestHead = 8 * 1024;
constexpr auto kReadTimeout = std::chrono::seconds(5);
constexpr auto kWriteTimeout = std::chrono::seconds(10);

void log_exception(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("admin connection failed: {}", ex.what());
  }
}

AdminSources sources_of(server::Server& server) {
  AdminSources s;
  s.not_ready_reason = [&server] { return server.not_ready_reason(); };
  s.scrape = [&server] {
    server.update_upstream_gauges();
    return server.metrics().scrape(static_cast<double>(server.open_connections.load()));
  };
  return s;
}

awaitable<void> serve_admin(AdminListener* listener, tcp_socket socket) {
  admin_stream stream(std::move(socket));
  beast::flat_buffer buffer(kMaxRequestHead);
  http::request_parser<http::empty_body> parser;
  parser.header_limit(kMaxRequestHead);
  parser.body_limit(0);  // no admin request has a body
  stream.expires_after(kReadTimeout);
  auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
  if (rec) co_return;  // a timeout, an oversized head, a body, a malformed request: the connection just closes

  const auto& req = parser.get();
  AdminSources sources = sources_of(listener->server());
  const std::string_view path = req.target().substr(0, req.target().find('?'));
  const bool read_only = req.method() == http::verb::get || req.method() == http::verb::head;
  if (path == "/readyz" && read_only && listener->server().not_ready_reason().empty()) {
    std::string unreached = co_await upstream_not_ready(&listener->server());
    if (!unreached.empty()) sources.not_ready_reason = [why = std::move(unreached)] { return why; };
  }
  AdminReply reply = route_admin(req.method_string(), req.target(), sources);
  http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
  res.set(http::field::server, "certgate");
  res.set(http::field::content_type, reply.content_type);
  res.set(http::field::cache_control, "no-store");
  if (reply.allow_header) res.set(http::field::allow, "GET, HEAD");
  res.keep_alive(false);
  const bool head = req.method() == http::verb::head;
  res.body() = std::move(reply.body);
  res.prepare_payload();  // Content-Length of the GET body, also for HEAD
  if (head) {
    // HEAD: the headers of the GET answer, no body.
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  stream.expires_after(kWriteTimeout);
  http::response_serializer<http::string_body> sr(res);
  if (head) sr.split(true);
  error_code wec;
  if (head) {
    auto [hec, hn] = co_await http::async_write_header(stream, sr, use_tuple);
    wec = hec;
  } else {
    auto [bec, bn] = co_await http::async_write(stream, sr, use_tuple);
    wec = bec;
  }
  error_code ignored;
  if (!wec) stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
}

awaitable<void> admin_accept_loop(AdminListener* listener, tcp_acceptor* acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      spdlog::warn("admin accept failed: {}", ec.message());
      steady_timer t(listener->ioc(), std::chrono::milliseconds(50));
      co_await t.async_wait(use_tuple);
      continue;
    }
    asio::co_spawn(listener->ioc(), serve_admin(listener, std::move(socket)), log_exception);
  }
}

}  // namespace

AdminListener::AdminListener(server::Server& server, const config::ListenAddress& address)
    : server_(server), acceptor_(ioc_) {
  const std::string text = (address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host) + ":" +
                           std::to_string(address.port);
  error_code ec;
  auto addr = asio::ip::make_address(address.host == "localhost" ? "127.0.0.1" : address.host, ec);
  if (ec) throw std::runtime_error("admin listen " + address.host + ": not an IP address");
  tcp::endpoint ep(addr, address.port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  if (addr.is_v6()) acceptor_.set_option(asio::ip::v6_only(true));
  acceptor_.bind(ep, ec);
  if (ec) throw std::runtime_error("cannot listen on " + text + " (admin): " + ec.message());
  acceptor_.listen(asio::socket_base::max_listen_connections);
  bound_ = acceptor_.local_endpoint();
}

AdminListener::~AdminListener() {
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

void AdminListener::start() {
  asio::co_spawn(ioc_, admin_accept_loop(this, &acceptor_), log_exception);
  thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(ioc_);
    ioc_.run();
  });
  std::string a = bound_.address().is_v6() ? "[" + bound_.address().to_string() + "]" : bound_.address().to_string();
  spdlog::info("admin listening on http://{}:{} (/healthz, /readyz, /metrics)", a, bound_.port());
}

}  // namespace certgate::admin
