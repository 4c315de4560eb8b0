#include "h2/server_session.hpp"

#include <nghttp2/nghttp2.h>

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <optional>

namespace certgate::h2 {
namespace {

// A real nghttp2 client session, wired to the server session through memory.
class TestClient {
 public:
  struct Response {
    int status = 0;
    std::string body;
    bool closed = false;
    std::uint32_t close_code = 0;
  };

  TestClient() {
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
    nghttp2_session_client_new(&session, cb, this);
    nghttp2_session_callbacks_del(cb);
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~TestClient() { nghttp2_session_del(session); }

  std::int32_t request(const Fields& fields, const std::string* body = nullptr) {
    std::vector<nghttp2_nv> nv;
    for (const Field& f : fields) {
      nv.push_back(nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.first.data())),
                              reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.second.data())), f.first.size(),
                              f.second.size(), NGHTTP2_NV_FLAG_NONE});
    }
    nghttp2_data_provider provider{};
    provider.source.ptr = const_cast<std::string*>(body);
    provider.read_callback = read_body;
    return nghttp2_submit_request(session, nullptr, nv.data(), nv.size(), body ? &provider : nullptr, this);
  }

  std::string output() {
    std::string out;
    for (;;) {
      const std::uint8_t* p = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session, &p);
      if (n <= 0) return out;
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    }
  }
  void input(const std::string& bytes) {
    nghttp2_session_mem_recv(session, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }

  nghttp2_session* session = nullptr;
  std::map<std::int32_t, Response> responses;
  std::optional<std::uint32_t> goaway;
  std::size_t body_sent = 0;

 private:
  static TestClient& of(void* user) { return *static_cast<TestClient*>(user); }
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                       const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user) {
    if (std::string_view(reinterpret_cast<const char*>(name), namelen) == ":status") {
      of(user).responses[frame->hd.stream_id].status =
          std::stoi(std::string(reinterpret_cast<const char*>(value), valuelen));
    }
    return 0;
  }
  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data, std::size_t len,
                     void* user) {
    of(user).responses[id].body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }
  static int on_close(nghttp2_session*, std::int32_t id, std::uint32_t code, void* user) {
    of(user).responses[id].closed = true;
    of(user).responses[id].close_code = code;
    return 0;
  }
  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    if (frame->hd.type == NGHTTP2_GOAWAY) of(user).goaway = frame->goaway.error_code;
    return 0;
  }
  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void* user) {
    auto* body = static_cast<std::string*>(source->ptr);
    TestClient& c = of(user);
    const std::size_t n = std::min(length, body->size() - c.body_sent);
    std::memcpy(buf, body->data() + c.body_sent, n);
    c.body_sent += n;
    if (c.body_sent == body->size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
};

struct Recorder : ServerSession::Events {
  struct Stream {
    Fields fields;
    bool oversized = false;
    bool ended = false;
    std::string body;
    bool closed = false;
    bool head_incomplete = false;
    int sent_frames = 0;
  };
  std::map<std::int32_t, Stream> streams;
  void on_request(std::int32_t id, Fields&& f, bool oversized, bool end_stream) override {
    streams[id].fields = std::move(f);
    streams[id].oversized = oversized;
    streams[id].ended = end_stream;
  }
  void on_data(std::int32_t id, const std::uint8_t* d, std::size_t n) override {
    streams[id].body.append(reinterpret_cast<const char*>(d), n);
  }
  void on_trailers(std::int32_t, Fields&&) override {}
  void on_end_stream(std::int32_t id) override { streams[id].ended = true; }
  void on_close(std::int32_t id, std::uint32_t, bool head_incomplete) override {
    streams[id].closed = true;
    streams[id].head_incomplete = head_incomplete;
  }
  void on_body_sent(std::int32_t id) override { ++streams[id].sent_frames; }
};

// Moves bytes both ways until neither side has more. False when the server gave up on the connection.
bool pump(ServerSession& server, TestClient& client) {
  bool ok = true;
  for (int i = 0; i < 100; ++i) {
    const std::string up = client.output();
    if (!up.empty() && !server.feed(reinterpret_cast<const std::uint8_t*>(up.data()), up.size())) ok = false;
    std::string down;
    server.take_output(down);
    if (!down.empty()) client.input(down);
    if (up.empty() && down.empty()) break;
  }
  return ok;
}

Fields get(std::string path = "/") {
  return Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", std::move(path)}};
}

TEST(H2ServerSession, HandsOutTheRequestAndSendsTheResponse) {
  Recorder rec;
  ServerSession server(SessionLimits{}, rec);
  TestClient client;
  const std::int32_t id = client.request(get("/hello"));
  ASSERT_TRUE(pump(server, client));
  ASSERT_EQ(rec.streams.count(id), 1u);
  EXPECT_TRUE(rec.streams[id].ended);
  EXPECT_EQ(rec.streams[id].fields.at(3), (Field{":path", "/hello"}));
  ASSERT_TRUE(server.submit_response(id, 200, Fields{{"x-a", "1"}}, true));
  server.append_body(id, "hel");
  ASSERT_TRUE(pump(server, client));
  EXPECT_EQ(client.responses[id].status, 200);
  EXPECT_FALSE(client.responses[id].closed);  // the body has not ended
  server.append_body(id, "lo");
  server.end_body(id);
  ASSERT_TRUE(pump(server, client));
  EXPECT_EQ(client.responses[id].body, "hello");
  EXPECT_TRUE(client.responses[id].closed);
  EXPECT_TRUE(rec.streams[id].closed);
  EXPECT_FALSE(rec.streams[id].head_incomplete);
  EXPECT_GE(rec.streams[id].sent_frames, 1);
}

TEST(H2ServerSession, RequestBodyIsAcknowledgedOnlyOnceConsumed) {
  Recorder rec;
  SessionLimits limits;
  limits.stream_window = 65535;
  ServerSession server(limits, rec);
  TestClient client;
  const std::string body(200000, 'b');
  Fields post = get();
  post[0].second = "POST";
  const std::int32_t id = client.request(post, &body);
  ASSERT_TRUE(pump(server, client));
  EXPECT_EQ(rec.streams[id].body.size(), 65535u);  // the window, and no more until certgate relays it
  EXPECT_FALSE(rec.streams[id].ended);
  EXPECT_FALSE(server.receive_window_full());  // the connection's window (1 MiB) is not
  std::size_t consumed = 0;
  for (int i = 0; i < 10 && !rec.streams[id].ended; ++i) {
    server.consume(id, rec.streams[id].body.size() - consumed);
    consumed = rec.streams[id].body.size();
    ASSERT_TRUE(pump(server, client));
  }
  EXPECT_TRUE(rec.streams[id].ended);
  EXPECT_EQ(rec.streams[id].body, body);
}

TEST(H2ServerSession, SaysWhenTheConnectionWindowIsUsedUp) {
  Recorder rec;
  SessionLimits limits;
  limits.stream_window = 65535;
  limits.connection_window = 65535;
  ServerSession server(limits, rec);
  TestClient client;
  const std::string body(40000, 'b');
  Fields post = get();
  post[0].second = "POST";
  const std::int32_t first = client.request(post, &body);
  ASSERT_TRUE(pump(server, client));
  EXPECT_FALSE(server.receive_window_full());
  client.body_sent = 0;
  const std::int32_t second = client.request(post, &body);
  ASSERT_TRUE(pump(server, client));
  EXPECT_EQ(rec.streams[first].body.size() + rec.streams[second].body.size(), 65535u);
  EXPECT_TRUE(server.receive_window_full());
  server.consume(first, rec.streams[first].body.size());
  EXPECT_FALSE(server.receive_window_full());
}

TEST(H2ServerSession, PingFloodEndsTheConnectionWithEnhanceYourCalm) {
  Recorder rec;
  ServerSession server(SessionLimits{}, rec);
  TestClient client;
  for (int i = 0; i < 150; ++i) nghttp2_submit_ping(client.session, NGHTTP2_FLAG_NONE, nullptr);
  EXPECT_FALSE(pump(server, client));
  EXPECT_NE(server.failure().find("PING"), std::string::npos) << server.failure();
  ASSERT_TRUE(client.goaway);
  EXPECT_EQ(*client.goaway, static_cast<std::uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
  EXPECT_FALSE(server.want_read());
}

TEST(H2ServerSession, PingsWithinTheBucketAreAnswered) {
  Recorder rec;
  ServerSession server(SessionLimits{}, rec);
  TestClient client;
  for (int i = 0; i < 50; ++i) nghttp2_submit_ping(client.session, NGHTTP2_FLAG_NONE, nullptr);
  EXPECT_TRUE(pump(server, client));
  EXPECT_FALSE(client.goaway);
  EXPECT_TRUE(server.failure().empty());
}

TEST(H2ServerSession, RapidResetEndsTheConnectionWithEnhanceYourCalm) {
  Recorder rec;
  SessionLimits limits;
  limits.reset_burst = 20;
  limits.reset_rate = 1;
  ServerSession server(limits, rec);
  TestClient client;
  bool ok = true;
  for (int i = 0; i < 40 && ok; ++i) {
    const std::int32_t id = client.request(get());
    ok = pump(server, client);  // the HEADERS go out, then the reset
    nghttp2_submit_rst_stream(client.session, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
    ok = ok && pump(server, client);
  }
  EXPECT_FALSE(ok);
  EXPECT_NE(server.failure().find("rapid reset"), std::string::npos) << server.failure();
  ASSERT_TRUE(client.goaway);
  EXPECT_EQ(*client.goaway, static_cast<std::uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
}

// HEADERS without END_HEADERS, then CONTINUATION frames, each with one small literal field: built by hand, since
// no client library sends this.
std::string continuation_flood(int continuations) {
  auto frame = [](std::uint8_t type, std::uint8_t flags, std::uint32_t stream, const std::string& payload) {
    std::string f;
    f.push_back(static_cast<char>(payload.size() >> 16));
    f.push_back(static_cast<char>(payload.size() >> 8));
    f.push_back(static_cast<char>(payload.size()));
    f.push_back(static_cast<char>(type));
    f.push_back(static_cast<char>(flags));
    for (int shift = 24; shift >= 0; shift -= 8) f.push_back(static_cast<char>(stream >> shift));
    return f + payload;
  };
  auto literal = [](const std::string& name, const std::string& value) {
    return std::string(1, '\0') + static_cast<char>(name.size()) + name + static_cast<char>(value.size()) + value;
  };
  std::string out = NGHTTP2_CLIENT_MAGIC;
  out += frame(NGHTTP2_SETTINGS, 0, 0, "");
  out += frame(NGHTTP2_HEADERS, 0, 1, literal(":method", "GET"));
  for (int i = 0; i < continuations; ++i) out += frame(NGHTTP2_CONTINUATION, 0, 1, literal("x-a", "1"));
  return out;
}

// The error code of the GOAWAY frame among the server's frames, if there is one.
std::optional<std::uint32_t> goaway_code(const std::string& out) {
  std::size_t at = 0;
  while (at + 9 <= out.size()) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(out[i])); };
    const std::size_t len = (byte(at) << 16) | (byte(at + 1) << 8) | byte(at + 2);
    if (byte(at + 3) == NGHTTP2_GOAWAY && len >= 8 && at + 9 + len <= out.size()) {
      const std::size_t c = at + 9 + 4;
      return (byte(c) << 24) | (byte(c + 1) << 16) | (byte(c + 2) << 8) | byte(c + 3);
    }
    at += 9 + len;
  }
  return std::nullopt;
}

TEST(H2ServerSession, ContinuationFloodEndsTheConnection) {
  Recorder rec;
  ServerSession server(SessionLimits{}, rec);
  const std::string flood = continuation_flood(50);
  EXPECT_FALSE(server.feed(reinterpret_cast<const std::uint8_t*>(flood.data()), flood.size()));
  EXPECT_NE(server.failure().find("CONTINUATION"), std::string::npos) << server.failure();
  EXPECT_TRUE(rec.streams.empty());
  std::string out;
  server.take_output(out);
  EXPECT_EQ(goaway_code(out), static_cast<std::uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
}

TEST(H2ServerSession, AFewContinuationsAreFine) {
  Recorder rec;
  ServerSession server(SessionLimits{}, rec);
  const std::string some = continuation_flood(5);
  EXPECT_TRUE(server.feed(reinterpret_cast<const std::uint8_t*>(some.data()), some.size()));
  EXPECT_TRUE(server.failure().empty());
}

TEST(H2ServerSession, OversizedHeaderListIsMarkedThenReset) {
  Recorder rec;
  SessionLimits limits;
  limits.max_header_list = 1000;
  ServerSession server(limits, rec);
  TestClient client;
  const std::int32_t big = client.request(
      Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "/"},
             {"x-big", std::string(1200, 'v')}});
  ASSERT_TRUE(pump(server, client));
  ASSERT_EQ(rec.streams.count(big), 1u);
  EXPECT_TRUE(rec.streams[big].oversized);
  const std::int32_t huge = client.request(
      Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "/"},
             {"x-a", std::string(900, 'v')}, {"x-b", std::string(900, 'v')}, {"x-c", std::string(900, 'v')}});
  ASSERT_TRUE(pump(server, client));
  EXPECT_EQ(rec.streams[huge].fields.size(), 0u);  // never handed out
  EXPECT_TRUE(client.responses[huge].closed);
}

TEST(H2ServerSession, InvalidFieldsAreRefusedByTheSessionItself) {
  Recorder rec;
  ServerSession server(SessionLimits{}, rec);
  TestClient client;
  const std::int32_t id = client.request(
      Fields{{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "/"},
             {"transfer-encoding", "chunked"}});
  pump(server, client);
  EXPECT_TRUE(rec.streams[id].fields.empty());
  EXPECT_TRUE(rec.streams[id].head_incomplete);
  EXPECT_TRUE(client.responses[id].closed);
  EXPECT_EQ(client.responses[id].close_code, static_cast<std::uint32_t>(NGHTTP2_PROTOCOL_ERROR));
}

TEST(H2ServerSession, TokenBucketRefills) {
  TokenBucket b(2, 10);
  const auto t0 = TokenBucket::Clock::now();
  EXPECT_TRUE(b.take(t0));
  EXPECT_TRUE(b.take(t0));
  EXPECT_FALSE(b.take(t0));
  EXPECT_TRUE(b.take(t0 + std::chrono::milliseconds(150)));
}

}  // namespace
}  // namespace certgate::h2
