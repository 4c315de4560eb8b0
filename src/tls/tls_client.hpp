#pragma once
// A blocking TLS client connection that presents (or not) a client certificate, as a CDN edge would: TCP
// connect, handshake, then reads and writes, all before one deadline. It reports how far it got (TCP, TLS, the
// alert the server sent) and what the handshake told about the server. It carries bytes only: the HTTP on top
// of it is src/client/https_client.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

struct TlsClientOptions {
  std::string connect_host = "127.0.0.1";  // where to connect (name or IP address, without brackets)
  int port = 443;
  std::string sni;                          // "" = no SNI
  std::string ca_file;                      // verify the server against this ("" = do not verify)
  std::vector<X509*> ca_certs;              // ... and/or against these (already loaded, any format)
  std::string verify_name;                  // when verifying: the host name or IP address the certificate must cover
  bool verify_continue = false;             // when verifying: finish the handshake even when verification fails
                                            // and report it in server_verify_error (probe), instead of aborting
  X509* client_cert = nullptr;              // present this certificate (with client_key)
  EVP_PKEY* client_key = nullptr;
  std::vector<X509*> client_chain;          // intermediates to send after the leaf
  std::vector<std::string> alpn;            // ALPN protocols to offer, in order ({"h2", "http/1.1"}); empty = none
};

// How far the connection got.
struct TlsClientReport {
  bool tcp_ok = false;
  std::string tcp_error;       // "connection refused", "timed out"
  bool tls_ok = false;
  std::string tls_error;       // OpenSSL reason, e.g. "tlsv13 alert certificate required"
  std::string alert;           // TLS alert description received from the server ("certificate_required"), if any
  std::string protocol;        // negotiated version, e.g. "TLSv1.3"
  std::string alpn;            // the ALPN protocol the server selected ("h2", "http/1.1"); "" = none
  std::string server_subject;  // the server certificate's subject (RFC 4514), when one was received
  bool server_verified = false;     // verification asked for, and the server certificate verified (chain, name)
  std::string server_verify_error;  // why it did not (OpenSSL's text), when verification was asked for
  bool timed_out = false;      // the deadline passed (connect, handshake, or a later read or write)
};

// One read or write on the established connection.
struct TlsIo {
  enum class End {
    none,       // `size` bytes were moved
    closed,     // the server ended the stream (close_notify, or TCP FIN without it: many servers send none)
    timed_out,  // the deadline passed
    failed,     // reset, a TLS error or an alert (error, alert)
  };
  std::size_t size = 0;
  End end = End::none;
  std::string error;  // failed: OpenSSL's text (or the system's)
  std::string alert;  // failed: the alert the server sent ("certificate_required"), if it sent one
};

class TlsClient {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects and handshakes before `deadline`; report() says how far it got, established() whether it did.
  TlsClient(const TlsClientOptions& options, Clock::time_point deadline);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  bool established() const { return report_.tls_ok; }
  const TlsClientReport& report() const { return report_; }

  // All of `data`, or why not. Only on an established connection.
  TlsIo write_all(std::string_view data);
  // Up to `capacity` bytes into `buffer` (at least one, unless the stream ended), waiting until the deadline.
  TlsIo read_some(char* buffer, std::size_t capacity);

 private:
  void connect_tcp(const TlsClientOptions& options);
  void handshake(const TlsClientOptions& options);
  TlsIo failure(int rc);

  Clock::time_point deadline_;
  int fd_ = -1;
  SslCtxPtr ctx_;
  SslPtr ssl_;
  TlsClientReport report_;
  bool ended_ = false;  // a read or write ended the stream (closed, failed, timed out)
};

// The alert description in OpenSSL's error text ("...: tlsv13 alert certificate required" ->
// "certificate_required"), or "".
std::string alert_from_errors(const std::string& errors);

}  // namespace certgate::tls
