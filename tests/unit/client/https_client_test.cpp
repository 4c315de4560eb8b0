// The blocking HTTPS client against a small TLS server on 127.0.0.1 that answers with scripted bytes, one TLS
// record per piece, so that the response arrives split across reads.
#include "client/https_client.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../tls/test_pki.hpp"
#include "client/origin_probe.hpp"

namespace certgate::client {
namespace {

namespace testpki = tls::testpki;

struct Pki {
  testpki::Issued ca = testpki::make_ca("https client test CA");
  testpki::Issued server = [this] {
    testpki::CertSpec spec;
    spec.subject = {{"CN", "localhost"}};
    spec.eku = {"serverAuth"};
    spec.san = "DNS:localhost,IP:127.0.0.1";
    return testpki::make_leaf(ca, spec);
  }();
};

const Pki& pki() {
  static const Pki p;
  return p;
}

// After the pieces: how the server ends the connection.
enum class Ending {
  close_notify,  // SSL_shutdown, then close
  abrupt,        // close without close_notify (as many servers do)
  wait,          // keep the connection open until the client closes it
};

// One connection: reads the request head, sends each piece as its own TLS record, ends as told. Every wait is
// bounded (10 s), so a client that misbehaves fails the test instead of hanging it.
class ScriptedServer {
 public:
  // select_alpn: the ALPN protocol to select when the client offers it ("" = select none).
  ScriptedServer(std::vector<std::string> pieces, Ending ending, std::string select_alpn = "")
      : pieces_(std::move(pieces)), ending_(ending), select_alpn_(std::move(select_alpn)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 4) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }

  int port() const { return port_; }
  // The request head as received; call after the client is done.
  std::string request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  void serve() {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) return;
    int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    tls::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    SSL_CTX_use_certificate(ctx.get(), pki().server.cert.get());
    SSL_CTX_use_PrivateKey(ctx.get(), pki().server.key.get());
    if (!select_alpn_.empty()) SSL_CTX_set_alpn_select_cb(ctx.get(), select, this);
    tls::SslPtr ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), fd);
    if (SSL_accept(ssl.get()) == 1) {
      char buf[4096];
      while (request_.find("\r\n\r\n") == std::string::npos && request_.size() < 65536) {
        int n = SSL_read(ssl.get(), buf, sizeof buf);
        if (n <= 0) break;
        request_.append(buf, static_cast<std::size_t>(n));
      }
      for (const std::string& piece : pieces_) {
        if (SSL_write(ssl.get(), piece.data(), static_cast<int>(piece.size())) <= 0) break;
      }
      if (ending_ == Ending::close_notify) SSL_shutdown(ssl.get());
      if (ending_ == Ending::wait) {
        while (SSL_read(ssl.get(), buf, sizeof buf) > 0) {
        }
      }
    }
    ERR_clear_error();
    ssl.reset();
    ::close(fd);
  }

  static int select(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in, unsigned int in_len,
                    void* arg) {
    const std::string& want = static_cast<ScriptedServer*>(arg)->select_alpn_;
    for (unsigned int i = 0; i < in_len; i += 1u + in[i]) {
      if (std::string(reinterpret_cast<const char*>(in + i + 1), in[i]) == want) {
        *out = in + i + 1;
        *out_len = in[i];
        return SSL_TLSEXT_ERR_OK;
      }
    }
    return SSL_TLSEXT_ERR_NOACK;
  }

  std::vector<std::string> pieces_;
  Ending ending_;
  std::string select_alpn_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string request_;
};

class HttpsClient : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }  // as certgate's main does

  HttpsRequest request_to(const ScriptedServer& server) const {
    HttpsRequest req;
    req.connect_host = "127.0.0.1";
    req.port = server.port();
    req.sni = "localhost";
    req.path = "/probe?x=1";
    req.ca_certs = {pki().ca.cert.get()};
    req.verify_name = "localhost";
    req.timeout = std::chrono::milliseconds(10000);
    return req;
  }
};

TEST_F(HttpsClient, ContentLengthResponseSplitAcrossRecordsWhileTheServerKeepsTheConnection) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-", "Length: 11\r\nX-Origin: test\r\n\r\nhello", " world"},
                        Ending::wait);
  HttpsResponse r = https_request(request_to(server));
  EXPECT_TRUE(r.tcp_ok);
  EXPECT_TRUE(r.tls_ok) << r.tls_error;
  EXPECT_TRUE(r.server_verified) << r.server_verify_error;
  EXPECT_EQ(r.server_subject, "CN=localhost");
  EXPECT_FALSE(r.timed_out);  // the body's end was seen: no waiting for the close
  EXPECT_TRUE(r.http_ok);
  EXPECT_TRUE(r.body_complete);
  EXPECT_EQ(r.http_error, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("x-origin"), "test");
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(server.request(), "GET /probe?x=1 HTTP/1.1\r\nHost: localhost:" + std::to_string(server.port()) +
                                  "\r\nUser-Agent: certgate\r\nAccept: */*\r\nConnection: close\r\n\r\n");
}

TEST_F(HttpsClient, ChunkedResponseWithExtensionsAndTrailers) {
  ScriptedServer server({"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n", "7;a=b\r\n403.7 F", "\r\n",
                         "8\r\norbidden\r\n0\r\nX-Trailer: t\r\n", "\r\n"},
                        Ending::wait);
  HttpsResponse r = https_request(request_to(server));
  EXPECT_TRUE(r.http_ok);
  EXPECT_TRUE(r.body_complete) << r.http_error;
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, "403.7 Forbidden");
  EXPECT_EQ(r.header("X-Trailer"), "");
  EXPECT_EQ(classify_response(r).detail, "HTTP 403.7");
}

TEST_F(HttpsClient, BodyUntilCloseWithAndWithoutCloseNotify) {
  for (Ending ending : {Ending::close_notify, Ending::abrupt}) {
    ScriptedServer server({"HTTP/1.0 200 OK\r\n\r\nuntil", " the close"}, ending);
    HttpsResponse r = https_request(request_to(server));
    EXPECT_TRUE(r.http_ok);
    EXPECT_TRUE(r.body_complete) << r.http_error;
    EXPECT_EQ(r.body, "until the close");
    EXPECT_EQ(r.tls_error, "");
  }
}

TEST_F(HttpsClient, ResponseToHeadHasNoBody) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"}, Ending::wait);
  HttpsRequest req = request_to(server);
  req.method = "HEAD";
  HttpsResponse r = https_request(req);
  EXPECT_TRUE(r.http_ok);
  EXPECT_TRUE(r.body_complete);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(server.request().substr(0, 17), "HEAD /probe?x=1 H");
}

TEST_F(HttpsClient, MalformedResponseIsRefusedWithTheReason) {
  ScriptedServer server({"SSH-2.0-OpenSSH_9.2\r\n\r\n"}, Ending::wait);
  HttpsResponse r = https_request(request_to(server));
  EXPECT_TRUE(r.tls_ok);
  EXPECT_FALSE(r.http_ok);
  EXPECT_FALSE(r.empty_reply);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.http_error, "malformed response: bad version");
  Classification c = classify_response(r);
  EXPECT_EQ(c.outcome, ProbeOutcome::refused);
  EXPECT_EQ(c.detail, "not an HTTP response: malformed response: bad version");
}

TEST_F(HttpsClient, OversizedHeadAndBodyAreRefused) {
  {
    ScriptedServer server({"HTTP/1.1 200 OK\r\nX-Big: " + std::string(5000, 'x') + "\r\n\r\n"}, Ending::wait);
    HttpsRequest req = request_to(server);
    req.limits.max_header_bytes = 4096;
    HttpsResponse r = https_request(req);
    EXPECT_FALSE(r.http_ok);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.http_error, "response head larger than 4096 bytes");
  }
  {
    ScriptedServer server({"HTTP/1.1 200 OK\r\n\r\n", std::string(3000, 'b'), std::string(3000, 'b')}, Ending::wait);
    HttpsRequest req = request_to(server);
    req.limits.max_body_bytes = 4096;
    HttpsResponse r = https_request(req);
    EXPECT_TRUE(r.http_ok);  // the head is known: the status still counts
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.body_complete);
    EXPECT_FALSE(r.timed_out);
    EXPECT_LE(r.body.size(), 4096u);
    EXPECT_EQ(r.http_error, "response body larger than 4096 bytes");
  }
}

TEST_F(HttpsClient, ClosedWithoutAResponse) {
  ScriptedServer server({}, Ending::close_notify);
  HttpsResponse r = https_request(request_to(server));
  EXPECT_TRUE(r.tls_ok);
  EXPECT_FALSE(r.http_ok);
  EXPECT_TRUE(r.empty_reply);
  EXPECT_EQ(classify_response(r).detail, "connection closed without a response");
}

TEST_F(HttpsClient, TimeoutDuringTheBodyKeepsTheHead) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}, Ending::wait);
  HttpsRequest req = request_to(server);
  req.timeout = std::chrono::milliseconds(300);
  HttpsResponse r = https_request(req);
  EXPECT_TRUE(r.timed_out);
  EXPECT_TRUE(r.http_ok);
  EXPECT_FALSE(r.body_complete);
  EXPECT_EQ(r.body, "abc");
  EXPECT_EQ(r.http_error, "timed out before the end of the response body");
  EXPECT_EQ(classify_response(r).outcome, ProbeOutcome::admitted);
}

// Frames as an HTTP/2 server sends them: a 9-byte header (length, type, flags, stream) and the payload.
std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, const std::string& payload) {
  std::string out;
  out += static_cast<char>((payload.size() >> 16) & 0xff);
  out += static_cast<char>((payload.size() >> 8) & 0xff);
  out += static_cast<char>(payload.size() & 0xff);
  out += static_cast<char>(type);
  out += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((stream >> shift) & 0xff);
  return out + payload;
}

TEST_F(HttpsClient, OverHttp2WhenTheServerSelectsH2) {
  const std::string settings = frame(0x4, 0, 0, "");
  const std::string head = frame(0x1, 0x4, 1, "\x88");  // END_HEADERS; :status 200 (HPACK static table entry 8)
  const std::string data = frame(0x0, 0x1, 1, "origin ok");  // END_STREAM
  ScriptedServer server({settings, head, data}, Ending::wait, "h2");
  HttpsRequest req = request_to(server);
  req.alpn = {"h2", "http/1.1"};
  HttpsResponse r = https_request(req);
  EXPECT_EQ(r.alpn, "h2");
  EXPECT_TRUE(r.http_ok);
  EXPECT_TRUE(r.body_complete);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "origin ok");
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(server.request().rfind("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0), 0u);  // the HTTP/2 preface
  EXPECT_EQ(classify_response(r).detail, "HTTP 200");
}

TEST_F(HttpsClient, Http1WhenTheServerSelectsHttp11OrNothing) {
  for (const char* selected : {"http/1.1", ""}) {
    ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}, Ending::wait, selected);
    HttpsRequest req = request_to(server);
    req.alpn = {"h2", "http/1.1"};
    HttpsResponse r = https_request(req);
    EXPECT_EQ(r.alpn, selected);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok");
    EXPECT_NE(server.request().find("GET /probe?x=1 HTTP/1.1\r\n"), std::string::npos);
  }
}

TEST_F(HttpsClient, AnHttp1AnswerOnAnH2ConnectionIsRefused) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}, Ending::wait, "h2");
  HttpsRequest req = request_to(server);
  req.alpn = {"h2", "http/1.1"};
  HttpsResponse r = https_request(req);
  EXPECT_EQ(r.alpn, "h2");
  EXPECT_FALSE(r.http_ok);
  Classification c = classify_response(r);
  EXPECT_EQ(c.outcome, ProbeOutcome::refused);
  EXPECT_EQ(c.detail.rfind("HTTP/2: protocol error: ", 0), 0u) << c.detail;
}

TEST(HttpsRequestHead, HostIsAnAuthorityAsParseHostPortReadsIt) {
  HttpsRequest req;
  req.sni = "localhost";
  req.port = 443;
  EXPECT_NE(request_head(req).find("\r\nHost: localhost\r\n"), std::string::npos);
  req.port = 8443;
  EXPECT_NE(request_head(req).find("\r\nHost: localhost:8443\r\n"), std::string::npos);
  req.sni.clear();
  req.connect_host = "::1";
  EXPECT_NE(request_head(req).find("\r\nHost: [::1]:8443\r\n"), std::string::npos);
  req.host_header = "Shop.Example:8443";
  EXPECT_NE(request_head(req).find("\r\nHost: Shop.Example:8443\r\n"), std::string::npos);
  req.host_header = "[::1]";
  EXPECT_NE(request_head(req).find("\r\nHost: [::1]\r\n"), std::string::npos);
}

TEST(HttpsRequestHead, WhatCannotBeSentIsRefusedBeforeConnecting) {
  auto refused = [](HttpsRequest req) { EXPECT_THROW(request_head(req), std::invalid_argument); };
  HttpsRequest base;
  base.sni = "localhost";
  {
    HttpsRequest r = base;
    r.host_header = "a.example\r\nX-Injected: 1";
    refused(r);
  }
  {
    HttpsRequest r = base;
    r.host_header = "user@a.example";
    refused(r);
  }
  {
    HttpsRequest r = base;
    r.host_header = "::1";  // a Host header brackets an IPv6 address
    refused(r);
  }
  {
    HttpsRequest r = base;
    r.sni = "a b";
    refused(r);
  }
  {
    HttpsRequest r = base;
    r.path = "/a b";
    refused(r);
  }
  {
    HttpsRequest r = base;
    r.path = "/a\r\nX: y";
    refused(r);
  }
  {
    HttpsRequest r = base;
    r.path = "/caf\xc3\xa9";
    refused(r);
  }
  {
    HttpsRequest r = base;
    r.path = "/a#fragment";
    refused(r);
  }
  {
    HttpsRequest r = base;
    r.method = "GET /";
    refused(r);
  }
  {
    HttpsRequest r = base;
    r.port = 70000;
    refused(r);
  }
}

}  // namespace
}  // namespace certgate::client
