#include "proxy/upstream_group.hpp"

#include <spdlog/spdlog.h>

#include "tls/upstream_tls.hpp"

namespace certgate::proxy {

namespace {
std::string server_label(const config::UpstreamServer& s) {
  const bool v6 = s.host.find(':') != std::string::npos;
  return (v6 ? "[" + s.host + "]" : s.host) + ":" + std::to_string(s.port);
}
}  // namespace

UpstreamServerState::UpstreamServerState(const config::UpstreamConfig& upstream, const config::UpstreamServer& server)
    : server_(server), label_(server_label(server)), pool_key_(upstream.name + "\n" + server.url) {}

core::ServerHealth UpstreamServerState::health() const {
  core::ServerHealth h;
  h.fails = fails_.load(std::memory_order_relaxed);
  h.down_until = down_until_.load(std::memory_order_relaxed);
  h.last_failed = last_failed_.load(std::memory_order_relaxed);
  h.check_down = check_down_.load(std::memory_order_relaxed);
  return h;
}

void UpstreamServerState::store(const core::ServerHealth& h) {
  fails_.store(h.fails, std::memory_order_relaxed);
  down_until_.store(h.down_until, std::memory_order_relaxed);
  last_failed_.store(h.last_failed, std::memory_order_relaxed);
  check_down_.store(h.check_down, std::memory_order_relaxed);
}

bool UpstreamServerState::failed(std::int64_t now, int max_fails, std::int64_t fail_timeout) {
  std::lock_guard lock(write_);
  core::ServerHealth h = health();
  const bool was = core::server_available(h, now);
  core::record_failure(h, now, max_fails, fail_timeout);
  store(h);
  return was && !core::server_available(h, now);
}

bool UpstreamServerState::succeeded(std::int64_t now) {
  reached(now);
  if (fails_.load(std::memory_order_relaxed) == 0) return false;  // the common case: no write
  std::lock_guard lock(write_);
  core::ServerHealth h = health();
  const bool was_down = h.down_until != 0;  // it reached max_fails since its last success
  core::record_success(h);
  store(h);
  return was_down;
}

bool UpstreamServerState::set_check(bool ok, std::int64_t now) {
  if (ok) reached(now);
  std::lock_guard lock(write_);
  core::ServerHealth h = health();
  if (h.check_down == !ok) return false;
  h.check_down = !ok;
  if (!ok) h.last_failed = now;
  store(h);
  return true;
}

void UpstreamServerState::reached(std::int64_t now) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  if (now - last_reached_.load(std::memory_order_relaxed) >= kSecond) last_reached_.store(now, std::memory_order_relaxed);
}

UpstreamGroup::UpstreamGroup(config::UpstreamConfig config) : config_(std::move(config)) {
  if (config_.tls) tls_ctx_ = tls::make_upstream_ctx(config_);
  for (const config::UpstreamServer& s : config_.servers) {
    servers_.push_back(std::make_unique<UpstreamServerState>(config_, s));
  }
}

std::int64_t UpstreamGroup::now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::optional<std::size_t> UpstreamGroup::choose(std::uint64_t tried) const {
  const std::int64_t t = now();
  core::Candidate candidates[kMaxServers];
  const std::size_t n = std::min(servers_.size(), kMaxServers);
  for (std::size_t i = 0; i < n; ++i) {
    const core::ServerHealth h = servers_[i]->health();
    candidates[i].available = core::server_available(h, t);
    candidates[i].excluded = (tried >> i) & 1u;
    candidates[i].last_failed = h.last_failed;
    candidates[i].active = servers_[i]->active.load(std::memory_order_relaxed);
  }
  const auto method = config_.balance == config::Balance::least_conn ? core::BalanceMethod::least_conn
                                                                      : core::BalanceMethod::round_robin;
  const std::uint64_t ticket = n > 1 ? ticket_.fetch_add(1, std::memory_order_relaxed) : 0;
  return core::choose_server(method, std::span<const core::Candidate>(candidates, n), ticket);
}

void UpstreamGroup::failed(std::size_t i, const std::string& why) const {
  const auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(config_.fail_timeout).count();
  UpstreamServerState& s = *servers_[i];
  if (s.failed(now(), config_.max_fails, timeout)) {
    spdlog::warn("upstream {} server {} is skipped for {} ms after {} failure(s): {}", config_.name, s.label(),
                 config_.fail_timeout.count(), config_.max_fails, why);
  }
}

void UpstreamGroup::succeeded(std::size_t i) const {
  UpstreamServerState& s = *servers_[i];
  if (s.succeeded(now())) spdlog::info("upstream {} server {} answers again", config_.name, s.label());
}

}  // namespace certgate::proxy
