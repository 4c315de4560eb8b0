#include "server/service_notify.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstring>
#include <ctime>

namespace certgate::server {
namespace {

// One line per assignment in the protocol: a line break in a status (an error message) would end it early.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

void send(const std::string& message) {
  // unset_environment = 0: NOTIFY_SOCKET stays for the later messages (reload, stop).
  int rc = sd_notify(0, message.c_str());
  if (rc < 0) spdlog::warn("sd_notify: cannot tell the service manager '{}': {}", one_line(message), std::strerror(-rc));
}

}  // namespace

void notify_ready(std::string_view status) { send("READY=1\nSTATUS=" + one_line(status)); }

void notify_reloading() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL + static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading the configuration");
}

void notify_stopping() { send("STOPPING=1\nSTATUS=draining in-flight requests"); }

std::string endpoints_text(const std::vector<tcp::endpoint>& endpoints) {
  std::string out;
  for (const auto& ep : endpoints) {
    if (!out.empty()) out += ", ";
    std::string a = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
    out += a + ":" + std::to_string(ep.port());
  }
  return out;
}

}  // namespace certgate::server
