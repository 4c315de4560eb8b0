#pragma once
// The CRL watcher (docs/operations.md, "CRLs"): a thread of its own that, every [limits] crl_check_interval,
// stats the CRL files of the running configuration and, when one changed, has the runtime rebuilt from the
// running configuration (not from the TOML file, which may be half edited) and swapped in as a reload is. A
// rebuild that fails (a file half written, damaged, missing) keeps the running runtime whole and is tried again
// once the files change again. The same thread logs the CRL warnings (crl_warnings.hpp).
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/gateway_config.hpp"
#include "core/time_limit.hpp"
#include "server/crl_warnings.hpp"
#include "server/file_watch.hpp"
#include "server/runtime.hpp"

namespace certgate::server {

// Every CRL file of a configuration (all host blocks), each once.
std::vector<std::string> crl_files_of(const config::GatewayConfig& cfg);

class CrlWatch {
 public:
  struct Hooks {
    std::function<std::shared_ptr<const Runtime>()> runtime;  // the running one
    // Rebuilds for these changed files and swaps the result in; false when it was refused (and logged).
    std::function<bool(const std::vector<std::string>& changed)> rebuild;
  };

  explicit CrlWatch(Hooks hooks);
  ~CrlWatch();  // stop()
  CrlWatch(const CrlWatch&) = delete;
  CrlWatch& operator=(const CrlWatch&) = delete;

  void start();
  void stop();  // returns once the thread has ended

 private:
  void run();
  void check_files(const Runtime& rt);
  void warn(const Runtime& rt);

  Hooks hooks_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  // The stamps of a rebuild that failed, under the generation it was tried on: not tried again until they move.
  std::uint64_t failed_generation_ = 0;
  std::vector<WatchedFile> failed_stamps_;
  // Warnings: the generation they were last computed for, its CRLs' time limits.
  bool warned_once_ = false;
  std::uint64_t warned_generation_ = 0;
  std::vector<core::TimeLimit> crl_limits_;
  CrlWarnings warnings_;
};

}  // namespace certgate::server
