#pragma once
// The admin listener: plain HTTP/1.1 on its own address, acceptor, io_context and thread, so that a busy or
// draining gateway still answers its health checks. One request per connection; every read has a deadline and
// the request head is bounded; anything with a body is refused by closing.
#include <memory>
#include <thread>

#include "config/gateway_config.hpp"
#include "net/net.hpp"

namespace certgate::server {
class Server;
}

namespace certgate::admin {

class AdminListener {
 public:
  // Binds address. Throws std::runtime_error naming it when it cannot be bound.
  AdminListener(server::Server& server, const config::ListenAddress& address);
  ~AdminListener();

  void start();
  tcp::endpoint bound() const { return bound_; }
  server::Server& server() { return server_; }
  asio::io_context& ioc() { return ioc_; }

 private:
  server::Server& server_;
  asio::io_context ioc_{1};
  tcp_acceptor acceptor_;
  tcp::endpoint bound_;
  std::thread thread_;
};

}  // namespace certgate::admin
