#include "h2/client_session.hpp"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace certgate::h2 {
namespace {

// The other end: an nghttp2 server session, fed the client's bytes in memory, answering what a test submits.
class Server {
 public:
  Server() {
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
    nghttp2_session_server_new(&session_, cb, this);
    nghttp2_session_callbacks_del(cb);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~Server() { nghttp2_session_del(session_); }

  void receive(const std::string& bytes) {
    ASSERT_EQ(nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
              static_cast<ssize_t>(bytes.size()));
  }
  std::string output() {
    std::string out;
    const uint8_t* data = nullptr;
    for (ssize_t n; (n = nghttp2_session_mem_send(session_, &data)) > 0;) out.append(reinterpret_cast<const char*>(data), n);
    return out;
  }

  // A head (END_STREAM when body is empty and `end` is set), then the body as one DATA frame.
  void respond(const std::vector<std::pair<std::string, std::string>>& head, const std::string& body = "",
               bool end = true) {
    std::vector<nghttp2_nv> nva;
    for (const auto& [n, v] : head) nva.push_back(nv(n, v));
    body_ = body;
    body_pos_ = 0;
    nghttp2_data_provider provider{};
    provider.source.ptr = this;
    provider.read_callback = read_body;
    if (body.empty() && end) {
      nghttp2_submit_headers(session_, NGHTTP2_FLAG_END_STREAM, stream, nullptr, nva.data(), nva.size(), nullptr);
    } else if (body.empty()) {
      nghttp2_submit_headers(session_, NGHTTP2_FLAG_NONE, stream, nullptr, nva.data(), nva.size(), nullptr);
    } else {
      nghttp2_submit_response(session_, stream, nva.data(), nva.size(), &provider);
    }
  }

  nghttp2_session* session_ = nullptr;
  int32_t stream = 0;  // the request's stream, once its HEADERS came
  std::map<std::string, std::string> request;

 private:
  static nghttp2_nv nv(const std::string& n, const std::string& v) {
    return {reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())), reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())),
            n.size(), v.size(), NGHTTP2_NV_FLAG_NONE};
  }
  static int on_header(nghttp2_session*, const nghttp2_frame*, const uint8_t* n, size_t nl, const uint8_t* v, size_t vl,
                       uint8_t, void* ud) {
    static_cast<Server*>(ud)->request[std::string(reinterpret_cast<const char*>(n), nl)] =
        std::string(reinterpret_cast<const char*>(v), vl);
    return 0;
  }
  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
    auto* self = static_cast<Server*>(ud);
    if (frame->hd.type == NGHTTP2_HEADERS && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) self->stream = frame->hd.stream_id;
    return 0;
  }
  static ssize_t read_body(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags, nghttp2_data_source*,
                           void* ud) {
    auto* self = static_cast<Server*>(ud);
    const size_t n = std::min(length, self->body_.size() - self->body_pos_);
    std::memcpy(buf, self->body_.data() + self->body_pos_, n);
    self->body_pos_ += n;
    if (self->body_pos_ == self->body_.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
  std::string body_;
  size_t body_pos_ = 0;
};

ClientRequest request() {
  ClientRequest r;
  r.authority = "origin.test:8443";
  r.path = "/health?x=1";
  r.headers = {{"user-agent", "certgate"}, {"accept", "*/*"}};
  return r;
}

// Client -> server -> client, until neither has anything more to say (bounded).
void pump(ClientSession& client, Server& server) {
  for (int i = 0; i < 16 && !client.finished(); ++i) {
    std::string up = client.pending_output();
    if (!up.empty()) server.receive(up);
    std::string down = server.output();
    if (up.empty() && down.empty()) break;
    client.receive(down);
  }
}

TEST(H2ClientSession, SendsTheRequestAndReadsTheResponse) {
  ClientSession client(request(), {});
  Server server;
  pump(client, server);
  ASSERT_NE(server.stream, 0);
  EXPECT_EQ(server.request[":method"], "GET");
  EXPECT_EQ(server.request[":scheme"], "https");
  EXPECT_EQ(server.request[":authority"], "origin.test:8443");
  EXPECT_EQ(server.request[":path"], "/health?x=1");
  EXPECT_EQ(server.request["user-agent"], "certgate");
  EXPECT_FALSE(client.finished());

  server.respond({{":status", "403"}, {"content-type", "text/plain"}}, "403.7 Forbidden");
  pump(client, server);
  ASSERT_TRUE(client.finished());
  const ClientResponse& r = client.response();
  EXPECT_TRUE(r.head_done);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.status, 403);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "content-type");
  EXPECT_EQ(r.body, "403.7 Forbidden");
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(client.received_any());
}

TEST(H2ClientSession, HeadWithEndStreamIsACompleteResponseAndInterimHeadsArePassedOver) {
  ClientSession client(request(), {});
  Server server;
  pump(client, server);
  server.respond({{":status", "103"}, {"link", "</a.css>"}}, "", false);
  server.respond({{":status", "204"}, {"x-final", "yes"}});
  pump(client, server);
  ASSERT_TRUE(client.finished());
  EXPECT_TRUE(client.response().complete);
  EXPECT_EQ(client.response().status, 204);
  ASSERT_EQ(client.response().headers.size(), 1u);
  EXPECT_EQ(client.response().headers[0].first, "x-final");
}

TEST(H2ClientSession, StreamResetByTheServer) {
  ClientSession client(request(), {});
  Server server;
  pump(client, server);
  nghttp2_submit_rst_stream(server.session_, NGHTTP2_FLAG_NONE, server.stream, NGHTTP2_REFUSED_STREAM);
  pump(client, server);
  ASSERT_TRUE(client.finished());
  EXPECT_FALSE(client.response().head_done);
  EXPECT_EQ(client.response().error, "stream reset by the server: REFUSED_STREAM");
}

TEST(H2ClientSession, GoawayThatLeavesTheRequestUnprocessed) {
  ClientSession client(request(), {});
  Server server;
  client.receive(server.output());  // the server's SETTINGS only
  nghttp2_submit_goaway(server.session_, NGHTTP2_FLAG_NONE, 0, NGHTTP2_ENHANCE_YOUR_CALM, nullptr, 0);
  client.receive(server.output());
  ASSERT_TRUE(client.finished());
  EXPECT_TRUE(client.response().goaway);
  EXPECT_EQ(client.response().goaway_error, static_cast<uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
  EXPECT_EQ(client.response().error, "the server sent GOAWAY (ENHANCE_YOUR_CALM) without processing the request");
}

TEST(H2ClientSession, BytesThatAreNotHttp2AreAProtocolError) {
  ClientSession client(request(), {});
  client.pending_output();
  client.receive("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  EXPECT_NE(client.pending_output(), "");  // GOAWAY (PROTOCOL_ERROR)
  ASSERT_TRUE(client.finished());
  EXPECT_FALSE(client.response().head_done);
  EXPECT_EQ(client.response().error.rfind("protocol error: ", 0), 0u) << client.response().error;
}

TEST(H2ClientSession, BodyAndHeadOverTheLimitsAreCancelled) {
  {
    ClientSession client(request(), ClientLimits{64 * 1024, 4});
    Server server;
    pump(client, server);
    server.respond({{":status", "200"}}, "0123456789");
    pump(client, server);
    ASSERT_TRUE(client.finished());
    EXPECT_TRUE(client.response().head_done);
    EXPECT_FALSE(client.response().complete);
    EXPECT_EQ(client.response().error, "the response body is over the limit of 4 bytes");
    EXPECT_NE(client.pending_output(), "");  // RST_STREAM (CANCEL)
  }
  {
    ClientSession client(request(), ClientLimits{16, 1024});
    Server server;
    pump(client, server);
    server.respond({{":status", "200"}, {"x-long", std::string(40, 'a')}}, "ok");
    pump(client, server);
    ASSERT_TRUE(client.finished());
    EXPECT_FALSE(client.response().head_done);
    EXPECT_EQ(client.response().error, "the response head is over the limit of 16 bytes");
  }
}

TEST(H2ClientSession, ConnectionEndedBeforeOrDuringTheResponse) {
  {
    ClientSession client(request(), {});
    Server server;
    pump(client, server);
    client.connection_ended("");
    ASSERT_TRUE(client.finished());
    EXPECT_EQ(client.response().error, "connection closed without a response");
  }
  {
    ClientSession client(request(), {});
    Server server;
    pump(client, server);
    server.respond({{":status", "200"}}, "", false);
    pump(client, server);
    EXPECT_FALSE(client.finished());
    EXPECT_TRUE(client.response().head_done);
    client.connection_ended("timed out");
    EXPECT_EQ(client.response().error, "timed out before the end of the response body");
  }
}

TEST(H2ClientSession, FieldsHttp2DoesNotAllowAreRefusedBeforeAnythingIsSent) {
  ClientRequest upper = request();
  upper.headers.push_back({"X-Upper", "1"});
  EXPECT_THROW(ClientSession(upper, {}), std::invalid_argument);
  ClientRequest newline = request();
  newline.headers.push_back({"x-a", "1\r\nx-b: 2"});
  EXPECT_THROW(ClientSession(newline, {}), std::invalid_argument);
}

}  // namespace
}  // namespace certgate::h2
