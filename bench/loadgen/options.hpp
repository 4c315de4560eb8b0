#pragma once
// Command line of the load generator. Only loopback targets are accepted: this tool measures servers on the
// same machine and must never load anything else.
#include <cstdint>
#include <string>
#include <sys/socket.h>

namespace certgate::bench {

enum class Mode {
  full,       // a new connection and a full handshake per request
  resume,     // a new connection per request, resuming the session of the slot's previous connection
  keepalive,  // many requests per connection
  idle,       // open N connections (one request each), hold them open, measure nothing but success
};

struct Options {
  Mode mode = Mode::keepalive;
  std::string connect = "127.0.0.1:8443";
  sockaddr_storage address{};  // parsed from `connect`
  socklen_t address_len = 0;
  int connections = 16;
  int threads = 1;
  double duration_s = 5.0;
  double warmup_s = 0.0;
  double rate = 0.0;  // requests per second in total; 0 = closed loop (as fast as the server answers)
  std::string path = "/";
  std::string host;  // Host header; default: sni
  std::string sni = "localhost";
  std::string cert;
  std::string key;
  std::string cert_pool;  // a directory of client certificates presented round robin, one per connection
  std::string ca;  // verify the server against it when set
  bool tls12 = false;
  double hold_s = 5.0;      // idle: how long to keep the connections open once all are established
  std::string ready_file;   // idle: written (with the count) once all connections are established
  double timeout_s = 10.0;  // no progress on a busy connection for this long is an error
  bool json = false;
  bool http2 = false;  // keepalive over HTTP/2: ALPN h2, `streams` concurrent GET streams per connection
  int streams = 10;
};

const char* to_string(Mode mode);

// Parses argv. On error or --help, prints to stderr / stdout and returns false with exit_code set.
bool parse_options(int argc, char** argv, Options& options, int& exit_code);

}  // namespace certgate::bench
