#include "h2/client_session.hpp"

#include <nghttp2/nghttp2.h>

#include <stdexcept>

namespace certgate::h2 {
namespace {

ClientSession* self(void* user_data) { return static_cast<ClientSession*>(user_data); }

std::string_view view(const uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  auto* s = self(user_data);
  if (frame->hd.type == NGHTTP2_HEADERS && frame->hd.stream_id == s->stream_id()) s->on_begin_headers();
  return 0;
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, std::size_t name_len,
              const uint8_t* value, std::size_t value_len, uint8_t, void* user_data) {
  auto* s = self(user_data);
  if (frame->hd.type == NGHTTP2_HEADERS && frame->hd.stream_id == s->stream_id()) {
    s->on_header(view(name, name_len), view(value, value_len));
  }
  return 0;
}

int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  auto* s = self(user_data);
  const bool end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
  switch (frame->hd.type) {
    case NGHTTP2_HEADERS:
      if (frame->hd.stream_id == s->stream_id()) s->on_headers_end(end_stream);
      break;
    case NGHTTP2_DATA:
      if (frame->hd.stream_id == s->stream_id() && end_stream) s->on_data_end();
      break;
    case NGHTTP2_GOAWAY: s->on_goaway(frame->goaway.last_stream_id, frame->goaway.error_code); break;
    default: break;
  }
  return 0;
}

int on_data_chunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data, std::size_t len,
                  void* user_data) {
  auto* s = self(user_data);
  if (stream_id == s->stream_id()) s->on_data(view(data, len));
  return 0;
}

int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* user_data) {
  auto* s = self(user_data);
  if (stream_id == s->stream_id()) s->on_stream_close(error_code);
  return 0;
}

// nghttp2's own words for what broke the session ("SETTINGS expected", ...), kept for the error text.
int on_error(nghttp2_session*, int, const char* msg, std::size_t len, void* user_data) {
  self(user_data)->on_error(std::string_view(msg, len));
  return 0;
}

std::string code_name(std::uint32_t code) { return nghttp2_http2_strerror(code); }

void check_field(const std::string& name, const std::string& value) {
  auto* n = reinterpret_cast<uint8_t*>(const_cast<char*>(name.data()));
  auto* v = reinterpret_cast<uint8_t*>(const_cast<char*>(value.data()));
  if (name.empty() || nghttp2_check_header_name(n, name.size()) == 0) {
    throw std::invalid_argument("HTTP/2 field name '" + name + "' is not a lower-case token");
  }
  if (nghttp2_check_header_value(v, value.size()) == 0) {
    throw std::invalid_argument("HTTP/2 field '" + name + "': the value has bytes HTTP/2 does not allow");
  }
}

nghttp2_nv field(const std::string& name, const std::string& value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(), NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

ClientSession::ClientSession(const ClientRequest& request, const ClientLimits& limits) : limits_(limits) {
  const std::string method = request.method, scheme = request.scheme, authority = request.authority,
                    path = request.path;
  for (const auto& [name, value] : request.headers) check_field(name, value);
  if (method.empty() || path.empty() || authority.empty()) {
    throw std::invalid_argument("an HTTP/2 request needs a method, a path and an authority");
  }
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, h2::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, h2::on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, h2::on_stream_close);
  nghttp2_session_callbacks_set_error_callback2(callbacks, h2::on_error);
  const int rv = nghttp2_session_client_new(&session_, callbacks, this);
  nghttp2_session_callbacks_del(callbacks);
  if (rv != 0) throw std::runtime_error(std::string("nghttp2_session_client_new: ") + nghttp2_strerror(rv));

  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                             {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, limits_.max_header_bytes}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, sizeof settings / sizeof settings[0]);

  const std::string m = ":method", s = ":scheme", a = ":authority", p = ":path";
  std::vector<nghttp2_nv> nva = {field(m, method), field(s, scheme), field(a, authority), field(p, path)};
  for (const auto& [name, value] : request.headers) nva.push_back(field(name, value));
  stream_id_ = nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(), nullptr, this);
  if (stream_id_ < 0) {
    const int error = stream_id_;
    nghttp2_session_del(session_);
    session_ = nullptr;
    throw std::invalid_argument(std::string("HTTP/2 request refused: ") + nghttp2_strerror(error));
  }
}

ClientSession::~ClientSession() {
  if (session_ != nullptr) nghttp2_session_del(session_);
}

std::string ClientSession::pending_output() {
  std::string out;
  for (;;) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) {
      if (n < 0) stop(std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(n)));
      break;
    }
    out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  }
  check_session();  // a session nghttp2 refused ends once its GOAWAY is taken
  return out;
}

void ClientSession::receive(std::string_view bytes) {
  if (finished_ || bytes.empty()) return;
  received_bytes_ += bytes.size();
  last_error_.clear();
  const ssize_t n = nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (n < 0) {
    stop("protocol error: " + (last_error_.empty() ? std::string(nghttp2_strerror(static_cast<int>(n)))
                                                            : last_error_));
    return;
  }
  check_session();
}

void ClientSession::check_session() {
  if (finished_ || nghttp2_session_want_read(session_) != 0) return;
  // nghttp2 ended the session: a protocol error it answered with GOAWAY, or the server's GOAWAY.
  if (!last_error_.empty()) {
    stop("protocol error: " + last_error_);
  } else if (response_.goaway) {
    stop("the server ended the HTTP/2 session (GOAWAY " + code_name(response_.goaway_error) + ")");
  } else {
    stop("the HTTP/2 session ended before the response");
  }
}

void ClientSession::connection_ended(const std::string& why) {
  if (finished_) return;
  const std::string reason = why.empty() ? "connection closed" : why;
  stop(reason + (response_.head_done ? " before the end of the response body" : " without a response"));
}

void ClientSession::stop(const std::string& why) {
  if (finished_) return;
  finished_ = true;
  if (!response_.complete && response_.error.empty()) response_.error = why;
}

void ClientSession::on_error(std::string_view message) { last_error_.assign(message); }

void ClientSession::on_begin_headers() {
  in_trailers_ = response_.head_done;
  in_final_head_ = false;
}

void ClientSession::on_header(std::string_view name, std::string_view value) {
  if (finished_ || in_trailers_) return;
  if (name == ":status") {
    int status = 0;
    for (char c : value) status = status * 10 + (c - '0');  // nghttp2 checked: three digits
    if (status >= 200) {
      in_final_head_ = true;
      response_.status = status;
      response_.headers.clear();
      head_bytes_ = 0;
    }
    return;
  }
  if (!in_final_head_ || (!name.empty() && name.front() == ':')) return;
  head_bytes_ += name.size() + value.size();
  if (head_bytes_ > limits_.max_header_bytes) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id_, NGHTTP2_CANCEL);
    stop("the response head is over the limit of " + std::to_string(limits_.max_header_bytes) + " bytes");
    return;
  }
  response_.headers.emplace_back(name, value);
}

void ClientSession::on_headers_end(bool end_stream) {
  if (finished_) return;
  if (in_final_head_) {
    response_.head_done = true;
    in_final_head_ = false;
  }
  if (end_stream && response_.head_done) response_.complete = true;
}

void ClientSession::on_data(std::string_view data) {
  if (finished_) return;
  if (response_.body.size() + data.size() > limits_.max_body_bytes) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id_, NGHTTP2_CANCEL);
    stop("the response body is over the limit of " + std::to_string(limits_.max_body_bytes) + " bytes");
    return;
  }
  response_.body.append(data);
}

void ClientSession::on_data_end() {
  if (!finished_ && response_.head_done) response_.complete = true;
}

void ClientSession::on_goaway(std::int32_t last_stream_id, std::uint32_t error_code) {
  response_.goaway = true;
  response_.goaway_error = error_code;
  if (!finished_ && last_stream_id < stream_id_) {
    stop("the server sent GOAWAY (" + code_name(error_code) + ") without processing the request");
  }
}

void ClientSession::on_stream_close(std::uint32_t error_code) {
  if (finished_) return;
  if (response_.complete) {
    finished_ = true;
  } else if (error_code != NGHTTP2_NO_ERROR) {
    stop("stream reset by the server: " + code_name(error_code));
  } else {
    stop("stream closed before the end of the response");
  }
}

}  // namespace certgate::h2
