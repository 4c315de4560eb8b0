#include "server/server.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <thread>

#include "server/connection.hpp"
#include "server/health_checks.hpp"
#include "server/service_notify.hpp"
#include "server/worker.hpp"
#include "tls/time_limits.hpp"

namespace certgate::server {
namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

void log_exception(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("connection task failed: {}", ex.what());
  }
}

awaitable<void> accept_loop(Worker* worker, tcp_acceptor* acceptor) {
  Server& server = worker->server();
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      // Out of descriptors and the like: back off briefly instead of spinning.
      steady_timer t(worker->ioc(), std::chrono::milliseconds(50));
      co_await t.async_wait(use_tuple);
      continue;
    }
    auto rt = server.runtime();
    if (server.open_connections.fetch_add(1) >= rt->config.limits.max_connections) {
      server.open_connections.fetch_sub(1);
      error_code ignored;
      auto peer = socket.remote_endpoint(ignored);
      spdlog::warn("max_connections ({}) reached: closing connection from {}", rt->config.limits.max_connections,
                   peer.address().to_string());
      socket.close(ignored);
      continue;
    }
    asio::co_spawn(worker->ioc(), serve_connection(worker, std::move(rt), std::move(socket)), log_exception);
  }
}

}  // namespace

void Worker::begin_drain() {
  draining_ = true;
  for (auto& a : acceptors_) {
    error_code ignored;
    a->close(ignored);
  }
  for (ConnectionSlot* c : connections_) {
    if (c->idle && c->socket) {
      error_code ignored;
      c->socket->cancel(ignored);
    }
  }
}

Server::Server(std::shared_ptr<const Runtime> runtime, std::function<config::GatewayConfig()> reload)
    : runtime_(std::move(runtime)), reload_fn_(std::move(reload)), signals_(signal_ioc_) {
  generation_ = runtime_->generation;
  const auto& cfg = runtime_->config;
  access_log_ = std::make_unique<http_log::AccessLog>(cfg.access_log, cfg.log_format);
  metrics_.set_time_limits(tls::time_limits(*runtime_->tls));
}

Server::~Server() {
  crl_watch_.reset();
  for (auto& w : workers_) {
    w->ioc().stop();
    if (w->thread.joinable()) w->thread.join();
  }
}

std::shared_ptr<const Runtime> Server::runtime() const {
  std::lock_guard lock(runtime_mutex_);
  return runtime_;
}

void Server::bind_worker(Worker& w) {
  const auto& cfg = runtime_->config;
  for (const auto& l : cfg.listen) {
    error_code ec;
    auto addr = asio::ip::make_address(l.host == "localhost" ? "127.0.0.1" : l.host, ec);
    if (ec) throw std::runtime_error("listen " + l.host + ": not an IP address");
    tcp::endpoint ep(addr, l.port);
    auto acc = std::make_unique<tcp_acceptor>(w.ioc());
    acc->open(ep.protocol());
    acc->set_option(tcp::acceptor::reuse_address(true));
    acc->set_option(reuse_port(true));
    if (ep.address().is_v6()) acc->set_option(asio::ip::v6_only(true));
    acc->bind(ep, ec);
    if (ec) throw std::runtime_error("cannot listen on " + l.host + ":" + std::to_string(l.port) + ": " + ec.message());
    acc->listen(asio::socket_base::max_listen_connections);
    if (w.index() == 0) bound_.push_back(acc->local_endpoint());
    w.acceptors().push_back(std::move(acc));
  }
}

void Server::start() {
  const auto& cfg = runtime_->config;
  int n = cfg.workers > 0 ? cfg.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.add(SIGHUP);
  signals_.add(SIGUSR1);  // reopen the access log (after logrotate)
  for (int i = 0; i < n; ++i) {
    workers_.push_back(std::make_unique<Worker>(*this, i, metrics_));
    bind_worker(*workers_.back());
  }
  start_health_checks(*this, *workers_.front(), runtime_);
  for (auto& w : workers_) {
    for (auto& acc : w->acceptors()) asio::co_spawn(w->ioc(), accept_loop(w.get(), acc.get()), log_exception);
    Worker* wp = w.get();
    wp->deadlines().start();
    wp->thread = std::thread([wp] {
      auto guard = asio::make_work_guard(wp->ioc());
      wp->ioc().run();
    });
  }
  for (const auto& ep : bound_) {
    std::string a = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
    spdlog::info("listening on {}:{} ({} worker{})", a, ep.port(), n, n == 1 ? "" : "s");
  }
  metrics_.set_loaded(static_cast<double>(std::time(nullptr)));
  phase_ = 1;
  crl_watch_ = std::make_unique<CrlWatch>(CrlWatch::Hooks{
      [this] { return runtime(); }, [this](const std::vector<std::string>& changed) { return reload_crls(changed); }});
  crl_watch_->start();
}

void Server::update_upstream_gauges() {
  auto rt = runtime();
  const std::int64_t now = proxy::UpstreamGroup::now();
  for (const auto& group : rt->upstreams) {
    for (std::size_t i = 0; i < group->size(); ++i) {
      const proxy::UpstreamServerState& s = group->server(i);
      metrics_.upstream_up().Add({{"upstream", group->config().name}, {"server", s.label()}}).Set(s.available(now) ? 1 : 0);
    }
  }
}

std::string Server::not_ready_reason() const {
  switch (phase_.load()) {
    case 0: return "listeners are not bound yet";
    case 1: return "";
    default: return "draining: the process is shutting down";
  }
}

void Server::stop() {
  stop_requested_ = true;
  asio::post(signal_ioc_, [this] { signals_.cancel(); });
}

void Server::reload() {
  if (!reload_fn_) {
    spdlog::warn("SIGHUP: reload not available (configured without a file)");
    return;
  }
  std::lock_guard reloading(reload_mutex_);
  try {
    auto current = runtime();
    auto fresh = build_runtime(reload_fn_(), current->generation + 1);
    const std::uint64_t generation = fresh->generation;
    install(std::move(fresh));
    metrics_.reload_succeeded(static_cast<double>(std::time(nullptr)));
    spdlog::info("configuration reloaded (generation {}); listeners are unchanged", generation);
  } catch (const std::exception& e) {
    metrics_.reload_failed();
    spdlog::error("reload refused, keeping the current configuration: {}", e.what());
  }
}

bool Server::reload_crls(const std::vector<std::string>& changed) {
  std::lock_guard reloading(reload_mutex_);
  try {
    // The running configuration, not the file: whatever else is being edited there waits for a SIGHUP.
    auto current = runtime();
    auto fresh = build_runtime(current->config, current->generation + 1);
    const std::uint64_t generation = fresh->generation;
    install(std::move(fresh));
    metrics_.crl_reload_succeeded();
    spdlog::info("CRLs reloaded: {} (generation {})", path_list(changed), generation);
    return true;
  } catch (const std::exception& e) {
    metrics_.crl_reload_failed();
    spdlog::error("CRL reload refused, keeping the current CRLs (tried again when the files change): {}", e.what());
    return false;
  }
}

void Server::install(std::shared_ptr<const Runtime> fresh) {
  metrics_.set_time_limits(tls::time_limits(*fresh->tls));
  {
    std::lock_guard lock(runtime_mutex_);
    runtime_ = fresh;
    generation_.store(runtime_->generation, std::memory_order_release);
  }
  // The active checks of the old runtime stop when they see the new generation (a SIGHUP or a CRL rebuild
  // alike): the new runtime's start here.
  if (!workers_.empty()) {
    asio::post(workers_.front()->ioc(),
               [this, w = workers_.front().get(), rt = std::move(fresh)] { start_health_checks(*this, *w, rt); });
  }
}

int Server::wait() {
  // wait() is called once every listener, the admin one included, is bound: the service manager may now
  // start what depends on certgate.
  notify_ready("serving on " + endpoints_text(bound_));
  for (;;) {
    if (stop_requested_) break;
    error_code ec;
    int signo = 0;
    signals_.async_wait([&](const error_code& e, int s) {
      ec = e;
      signo = s;
    });
    signal_ioc_.restart();
    signal_ioc_.run();
    if (stop_requested_ || ec) break;
    if (signo == SIGHUP) {
      notify_reloading();
      auto before = generation();
      reload();
      notify_ready(generation() != before ? "serving, configuration generation " + std::to_string(generation())
                                          : "serving; reload refused, see the log");
      continue;
    }
    if (signo == SIGUSR1) {
      access_log_->reopen();
      continue;
    }
    spdlog::info("signal {}: draining in-flight requests", signo);
    break;
  }
  phase_ = 2;
  notify_stopping();
  if (crl_watch_) crl_watch_->stop();
  for (auto& w : workers_) asio::post(w->ioc(), [wp = w.get()] { wp->begin_drain(); });
  auto deadline = std::chrono::steady_clock::now() + runtime()->config.limits.drain_timeout;
  while (open_connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (open_connections.load() > 0)
    spdlog::warn("drain_timeout reached with {} connection(s) open: closing them", open_connections.load());
  for (auto& w : workers_) w->ioc().stop();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace certgate::server
