#pragma once
// A small blocking HTTPS client that presents (or not) a client certificate, as a CDN edge would.
// Used by `certgate demo` and `certgate probe`; reports every stage (TCP, TLS alert, HTTP status).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace certgate::tls {

struct HttpsRequest {
  std::string connect_host = "127.0.0.1";  // where to connect (IP or name)
  int port = 443;
  std::string sni;                          // "" = no SNI
  std::string host_header;                  // "" = sni or connect_host
  std::string method = "GET";
  std::string path = "/";
  std::string ca_file;                      // verify the server against this ("" = do not verify)
  std::vector<X509*> ca_certs;              // ... and/or against these (already loaded, any format)
  std::string verify_name;                  // when verifying: the host name or IP address the certificate must cover
  bool verify_continue = false;             // when verifying: finish the handshake even when verification fails
                                            // and report it in server_verify_error (probe), instead of aborting
  X509* client_cert = nullptr;              // present this certificate (with client_key)
  EVP_PKEY* client_key = nullptr;
  std::vector<X509*> client_chain;          // intermediates to send after the leaf
  std::chrono::milliseconds timeout{5000};
};

struct HttpsResponse {
  bool tcp_ok = false;
  std::string tcp_error;       // "connection refused", "timed out"
  bool tls_ok = false;
  std::string tls_error;       // OpenSSL reason, e.g. "tlsv13 alert certificate required"
  std::string alert;           // TLS alert description received from the server ("certificate_required"), if any
  std::string protocol;        // negotiated version, e.g. "TLSv1.3"
  std::string server_subject;  // the server certificate's subject (RFC 4514), when one was received
  bool server_verified = false;     // verification asked for, and the server certificate verified (chain, name)
  std::string server_verify_error;  // why it did not (OpenSSL's text), when verification was asked for
  bool http_ok = false;        // a complete status line was received
  bool timed_out = false;
  bool empty_reply = false;    // connection closed before any HTTP response byte
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  double elapsed_ms = 0;

  std::string header(std::string_view name) const;  // first value, case-insensitive; "" when absent
};

HttpsResponse https_request(const HttpsRequest& req);

}  // namespace certgate::tls
