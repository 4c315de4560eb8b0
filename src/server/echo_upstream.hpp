#pragma once
// A tiny built-in HTTP/1.1 upstream that answers every request with what it received, as JSON
// (method, path, headers). For `certgate demo`: shows exactly which identity headers the origin gets.
#include <cstdint>
#include <memory>
#include <thread>

#include "net/net.hpp"

namespace certgate::server {

class EchoUpstream {
 public:
  EchoUpstream();  // binds 127.0.0.1 on a free port and starts serving on its own thread
  ~EchoUpstream();
  std::uint16_t port() const { return port_; }

 private:
  asio::io_context ioc_{1};
  tcp_acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace certgate::server
