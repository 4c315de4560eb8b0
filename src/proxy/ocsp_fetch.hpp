#pragma once
// Asks an OCSP responder over HTTP (RFC 6960 Appendix A.1): one POST of application/ocsp-request on a new plain
// TCP connection, the response read by Beast's parser, all within one timeout. It runs on the worker's event
// loop like any other socket operation: a slow or absent responder never blocks the worker's thread.
#include <string>

#include "config/gateway_config.hpp"
#include "core/http_url.hpp"
#include "net/deadline.hpp"
#include "net/net.hpp"

namespace certgate::proxy {

struct OcspFetch {
  bool ok = false;
  std::string body;   // the DER response (HTTP 200)
  std::string error;  // otherwise: a phrase that follows the responder's URL ("is unreachable: connection refused")
};

// The largest response read (a response carries a signature and maybe the responder's certificate chain).
inline constexpr std::size_t kMaxOcspResponseBytes = 64 * 1024;

// url and request must outlive the call.
awaitable<OcspFetch> fetch_ocsp(const core::HttpUrl& url, const std::string& request, config::Millis timeout,
                                net::DeadlineWatch& deadlines);

}  // namespace certgate::proxy
