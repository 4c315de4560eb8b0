#include "client/https_client.hpp"

#include <stdexcept>

#include "core/ascii.hpp"
#include "core/host_port.hpp"
#include "h2/client_session.hpp"

namespace certgate::client {
namespace {

using Clock = std::chrono::steady_clock;

// RFC 9110 5.6.2.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// The Host field value: the caller's, or the name the connection is made for (RFC 9110 7.2: with the port
// unless it is the default one), always as core::parse_host_port reads an authority.
std::string host_authority(const HttpsRequest& req) {
  if (!req.host_header.empty()) {
    auto parsed = core::parse_host_port(req.host_header);
    if (!parsed) throw std::invalid_argument("Host '" + req.host_header + "': " + parsed.error);
    return parsed.value->authority();
  }
  const std::string& name = !req.sni.empty() ? req.sni : req.connect_host;
  auto parsed = core::parse_host_port(name, {core::PortRule::optional, true});
  if (!parsed) throw std::invalid_argument("host '" + name + "': " + parsed.error);
  if (parsed.value->port) throw std::invalid_argument("host '" + name + "': the port goes in the port field");
  core::HostPort authority = *parsed.value;
  if (req.port != 443) authority.port = static_cast<std::uint16_t>(req.port);
  return authority.authority();
}

h1::Received received(const tls::TlsIo& io) {
  if (io.size > 0) return h1::Received{io.size, h1::Received::End::none};
  return h1::Received{0, io.end == tls::TlsIo::End::closed ? h1::Received::End::closed : h1::Received::End::stopped};
}

// Why the response stopped short, when the connection (not the response) ended it.
std::string stop_reason(const tls::TlsIo& io, bool head_done) {
  const std::string what = head_done ? "the end of the response body" : "the end of the response head";
  if (io.end == tls::TlsIo::End::timed_out) return "timed out before " + what;
  return "connection failed before " + what + (io.error.empty() ? "" : ": " + io.error);
}

// Why the HTTP/2 exchange stopped, when the connection (not the session) ended it.
std::string connection_end(const tls::TlsIo& io) {
  switch (io.end) {
    case tls::TlsIo::End::timed_out: return "timed out";
    case tls::TlsIo::End::failed: return "connection failed" + (io.error.empty() ? "" : " (" + io.error + ")");
    default: return "connection closed";
  }
}

// The request over HTTP/2 (ALPN selected "h2"): one stream, the same method, path, Host (as :authority) and
// fields as the HTTP/1.1 request, read as src/h2/client_session reads it.
void exchange_h2(tls::TlsClient& connection, const HttpsRequest& req, Clock::time_point deadline,
                 HttpsResponse& out) {
  h2::ClientRequest request;
  request.method = req.method;
  request.authority = host_authority(req);
  request.path = req.path;
  request.headers = {{"user-agent", "certgate"}, {"accept", "*/*"}};
  h2::ClientSession session(request, h2::ClientLimits{req.limits.max_header_bytes, req.limits.max_body_bytes});

  tls::TlsIo last;
  bool past_deadline = false;
  std::string buffer(16 * 1024, '\0');
  for (;;) {
    const std::string output = session.pending_output();
    if (!output.empty()) {
      last = connection.write_all(output);
      if (last.end != tls::TlsIo::End::none) break;
    }
    if (session.finished()) break;
    // Each read waits until the deadline at most; this bounds a server that never stops sending frames.
    if (Clock::now() >= deadline) {
      past_deadline = true;
      last.end = tls::TlsIo::End::timed_out;
      break;
    }
    last = connection.read_some(buffer.data(), buffer.size());
    if (last.end != tls::TlsIo::End::none) break;
    session.receive(std::string_view(buffer.data(), last.size));
  }
  if (!session.finished()) session.connection_ended(connection_end(last));

  static_cast<tls::TlsClientReport&>(out) = connection.report();
  if (past_deadline) out.timed_out = true;
  const h2::ClientResponse& r = session.response();
  if (!session.received_any()) {
    // As for HTTP/1.1: a refused client certificate in TLS 1.3 is an alert on the first read.
    if (!last.alert.empty()) {
      out.tls_ok = false;
      out.alert = last.alert;
      out.tls_error = last.error;
      return;
    }
  }
  out.http_ok = r.head_done;
  out.body_complete = r.complete;
  out.status = r.status;
  out.headers = r.headers;
  out.body = r.body;
  out.http_error = r.error;
  // Closed before a response: nothing or only the server's SETTINGS came, as for HTTP/1.1 an empty reply.
  out.empty_reply = !r.head_done && !out.timed_out && last.end == tls::TlsIo::End::closed;
  if (!r.head_done && out.timed_out) out.http_error = "no response in time";
}

}  // namespace

std::string HttpsResponse::header(std::string_view name) const {
  const std::string lowered = core::ascii::lower_copy(name);
  for (const auto& [k, v] : headers)
    if (core::ascii::equals_folded(k, lowered)) return v;
  return {};
}

std::string request_head(const HttpsRequest& req) {
  if (req.port < 1 || req.port > 65535) {
    throw std::invalid_argument("port " + std::to_string(req.port) + " is out of range");
  }
  if (req.method.empty()) throw std::invalid_argument("empty method");
  for (char c : req.method) {
    if (!is_tchar(c)) throw std::invalid_argument("method '" + req.method + "' is not a token");
  }
  if (req.path.empty()) throw std::invalid_argument("empty request target");
  for (char c : req.path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '#') {
      throw std::invalid_argument("request target '" + req.path +
                                  "': only visible ASCII without '#' (percent-encode the rest)");
    }
  }
  return req.method + " " + req.path + " HTTP/1.1\r\nHost: " + host_authority(req) +
         "\r\nUser-Agent: certgate\r\nAccept: */*\r\nConnection: close\r\n\r\n";
}

HttpsResponse https_request(const HttpsRequest& req) {
  const std::string head = request_head(req);
  HttpsResponse out;
  const auto started = Clock::now();
  tls::TlsClient connection(req, started + req.timeout);
  if (connection.established() && connection.report().alpn == "h2") {
    exchange_h2(connection, req, started + req.timeout, out);
    out.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return out;
  }

  tls::TlsIo last;  // the write or read that ended the exchange
  h1::ResponseRead read;
  if (connection.established()) {
    last = connection.write_all(head);
    if (last.end == tls::TlsIo::End::none) {
      const h1::ByteSource source = [&](char* buffer, std::size_t capacity) {
        last = connection.read_some(buffer, capacity);
        return received(last);
      };
      read = h1::read_response(source, req.method == "HEAD", req.limits);
    }
  }
  static_cast<tls::TlsClientReport&>(out) = connection.report();
  out.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  if (!connection.established()) return out;

  if (read.bytes_received == 0) {
    // In TLS 1.3 a refused client certificate surfaces as an alert after the handshake: on the first read.
    if (!last.alert.empty()) {
      out.tls_ok = false;
      out.alert = last.alert;
      out.tls_error = last.error;
    } else {
      out.empty_reply = !out.timed_out;
      out.http_error = out.timed_out ? "no response in time"
                       : last.end == tls::TlsIo::End::failed ? "connection failed without a response: " + last.error
                                                             : "connection closed without a response";
    }
    return out;
  }
  out.http_ok = read.head_done;
  out.body_complete = read.complete;
  out.status = static_cast<int>(read.status);
  out.headers = std::move(read.fields);
  out.body = std::move(read.body);
  out.http_error = !read.error.empty() ? std::move(read.error) : read.stopped ? stop_reason(last, read.head_done) : "";
  return out;
}

}  // namespace certgate::client
