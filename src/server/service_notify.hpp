#pragma once
// Tells the service manager what the process is doing (sd_notify(3), systemd's Type=notify): ready once every
// listener is bound, reloading around SIGHUP, stopping when the drain starts. Each call does nothing when
// $NOTIFY_SOCKET is not set (certgate not started by systemd), and never fails the caller.
#include <string>
#include <string_view>
#include <vector>

#include "net/net.hpp"

namespace certgate::server {

// READY=1 with STATUS=<status>: after start-up, and after every reload (applied or refused).
void notify_ready(std::string_view status);
// RELOADING=1 with MONOTONIC_USEC (CLOCK_MONOTONIC now, as systemd wants it), before a reload starts.
void notify_reloading();
// STOPPING=1: the drain has begun; the process exits when it ends.
void notify_stopping();

// "127.0.0.1:443, [::]:443": the addresses the status line names.
std::string endpoints_text(const std::vector<tcp::endpoint>& endpoints);

}  // namespace certgate::server
