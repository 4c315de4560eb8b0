#pragma once
// What one client connection carries from request to request: the runtime (configuration generation) it is
// served under, the decision its certificate got under that runtime and the identity headers rendered from it,
// its socket and read buffer, and the counters its limits are checked against.
#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

#include "net/net.hpp"
#include "net/tls_socket.hpp"
#include "server/runtime.hpp"
#include "tls/server_tls.hpp"

namespace certgate::server {

class Worker;

struct ConnectionState {
  using Clock = std::chrono::steady_clock;

  Worker* worker = nullptr;
  std::shared_ptr<const Runtime> rt;      // replaced when the connection is decided again after a reload
  net::TlsSocket* stream = nullptr;
  beast::flat_buffer* buffer = nullptr;   // bytes read from the client and not yet consumed
  tls::HandshakeOutcome* outcome = nullptr;
  std::string identity_block;             // the identity headers of the current decision
  std::string* head = nullptr;            // scratch for rendered heads (reused by every request)
  std::string client;                     // "ip:port"
  std::string client_ip;                  // for X-Forwarded-For
  bool loopback = false;                  // the client is on this machine
  bool detailed = false;                  // reasons in response bodies (detailed_errors)
  Clock::time_point accepted_at;
  std::time_t decision_valid_until = 0;   // decision_expiry() of the current decision, or ocsp_valid_until if sooner
  std::time_t ocsp_valid_until = 0;       // when the OCSP answers the decision rests on expire (check_ocsp)
  std::uint64_t requests = 0;             // requests served so far
  bool linger = false;                    // close by lingering: the client may still be sending
};

}  // namespace certgate::server
