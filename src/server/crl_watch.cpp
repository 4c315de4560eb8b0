#include "server/crl_watch.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "tls/time_limits.hpp"

namespace certgate::server {
namespace {

// With the file check off, the warnings still need a clock.
constexpr std::chrono::milliseconds kWarningPeriod{60'000};

}  // namespace

std::vector<std::string> crl_files_of(const config::GatewayConfig& cfg) {
  std::vector<std::string> files;
  auto add = [&](const config::HostPolicy& block) {
    for (const std::string& file : block.tls.crl) {
      if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
    }
  };
  add(cfg.default_host);
  for (const config::HostPolicy& host : cfg.hosts) add(host);
  return files;
}

CrlWatch::CrlWatch(Hooks hooks) : hooks_(std::move(hooks)) {}

CrlWatch::~CrlWatch() { stop(); }

void CrlWatch::start() {
  thread_ = std::thread([this] { run(); });
}

void CrlWatch::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CrlWatch::run() {
  for (;;) {
    std::shared_ptr<const Runtime> rt = hooks_.runtime();
    const std::chrono::milliseconds interval = rt->config.limits.crl_check_interval;
    try {
      if (interval.count() > 0) check_files(*rt);
      warn(*hooks_.runtime());
    } catch (const std::exception& e) {
      spdlog::error("CRL check failed: {}", e.what());
    }
    const auto period = interval.count() > 0 ? std::min(interval, kWarningPeriod) : kWarningPeriod;
    rt.reset();  // an old runtime is not kept alive by the wait
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, period, [this] { return stopping_; })) return;
  }
}

void CrlWatch::check_files(const Runtime& rt) {
  const std::vector<WatchedFile> now = stamp_files(crl_files_of(rt.config));
  const std::vector<std::string> changed = changed_files(rt.crl_files, now);
  if (changed.empty()) return;
  if (failed_generation_ == rt.generation && failed_stamps_ == now) return;  // the same bytes failed already
  if (hooks_.rebuild(changed)) {
    failed_stamps_.clear();
  } else {
    failed_generation_ = rt.generation;
    failed_stamps_ = now;
  }
}

void CrlWatch::warn(const Runtime& rt) {
  const bool loaded = !warned_once_ || warned_generation_ != rt.generation;
  if (loaded) {
    crl_limits_.clear();
    for (core::TimeLimit& limit : tls::time_limits(*rt.tls)) {
      if (limit.kind == core::TimeLimit::Kind::crl) crl_limits_.push_back(std::move(limit));
    }
    warned_once_ = true;
    warned_generation_ = rt.generation;
  }
  const std::int64_t before = std::chrono::duration_cast<std::chrono::seconds>(rt.config.limits.crl_warn_before).count();
  for (const std::string& line : warnings_.due(crl_limits_, std::time(nullptr), before, loaded)) spdlog::warn("{}", line);
}

}  // namespace certgate::server
