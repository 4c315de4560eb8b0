#include "h2/upstream_session.hpp"

#include <nghttp2/nghttp2.h>

#include <stdexcept>
#include <vector>

namespace certgate::h2 {
namespace {

UpstreamSession* self_of(void* user) { return static_cast<UpstreamSession*>(user); }

}  // namespace

struct UpstreamSession::Callbacks {
  static int begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    UpstreamSession& s = *self_of(user);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->hd.stream_id != s.stream_id_) return 0;
    s.block_.clear();
    s.block_bytes_ = 0;
    s.block_status_ = 0;
    s.in_trailers_ = s.status_ != 0;
    return 0;
  }

  static int header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                    const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user) {
    UpstreamSession& s = *self_of(user);
    if (frame->hd.type != NGHTTP2_HEADERS || frame->hd.stream_id != s.stream_id_) return 0;
    s.block_bytes_ += namelen + valuelen + 32;
    if (s.block_bytes_ > s.max_header_list_) {
      s.error_ = "upstream HTTP/2 response head exceeds max_response_header_bytes";
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    const std::string_view n(reinterpret_cast<const char*>(name), namelen);
    const std::string_view v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":status") {
      int status = 0;
      for (char c : v) status = status * 10 + (c - '0');  // nghttp2 checked it is 3 digits
      s.block_status_ = status;
      return 0;
    }
    if (!n.empty() && n.front() == ':') return 0;
    s.block_.emplace_back(std::string(n), std::string(v));
    return 0;
  }

  static int frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    UpstreamSession& s = *self_of(user);
    if (frame->hd.stream_id != s.stream_id_) return 0;
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (!s.in_trailers_) {
      if (s.block_status_ >= 100 && s.block_status_ < 200) return 0;  // interim
      s.status_ = s.block_status_;
      s.events_.on_response(s.status_, std::move(s.block_));
    } else {
      s.events_.on_response_trailers(std::move(s.block_));
    }
    s.block_.clear();
    return 0;
  }

  static int data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data, std::size_t len,
                        void* user) {
    UpstreamSession& s = *self_of(user);
    if (id == s.stream_id_) s.events_.on_response_data(data, len);
    return 0;
  }

  static int stream_close(nghttp2_session*, std::int32_t id, std::uint32_t error_code, void* user) {
    UpstreamSession& s = *self_of(user);
    if (id != s.stream_id_) return 0;
    s.finished_ = true;
    s.complete_ = error_code == NGHTTP2_NO_ERROR && s.status_ != 0;
    if (!s.complete_ && s.error_.empty()) {
      s.error_ = "upstream reset the HTTP/2 stream (" + std::string(nghttp2_http2_strerror(error_code)) + ")";
    }
    return 0;
  }

  static ssize_t read_body(nghttp2_session* session, std::int32_t id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source*, void* user) {
    return self_of(user)->body_.read(session, id, buf, length, data_flags);
  }
};

UpstreamSession::UpstreamSession(const Fields& fields, bool has_body, std::uint32_t max_header_list, Events& events)
    : events_(events), max_header_list_(max_header_list) {
  nghttp2_session_callbacks* cb = nullptr;
  nghttp2_session_callbacks_new(&cb);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, Callbacks::begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cb, Callbacks::header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, Callbacks::frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, Callbacks::data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, Callbacks::stream_close);
  const int rv = nghttp2_session_client_new(&session_, cb, this);
  nghttp2_session_callbacks_del(cb);
  if (rv != 0) throw std::runtime_error("nghttp2_session_client_new failed");
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                             {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, max_header_list}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 2);
  std::vector<nghttp2_nv> nv = to_nv(fields);
  nghttp2_data_provider provider{};
  provider.read_callback = Callbacks::read_body;
  stream_id_ = nghttp2_submit_request(session_, nullptr, nv.data(), nv.size(), has_body ? &provider : nullptr, this);
  if (stream_id_ < 0) {
    finished_ = true;
    error_ = std::string("the request cannot be sent over HTTP/2: ") + nghttp2_strerror(stream_id_);
  }
}

UpstreamSession::~UpstreamSession() { nghttp2_session_del(session_); }

bool UpstreamSession::feed(const std::uint8_t* data, std::size_t size) {
  const ssize_t rv = nghttp2_session_mem_recv(session_, data, size);
  if (rv < 0) {
    finished_ = true;
    if (error_.empty()) error_ = std::string("upstream broke HTTP/2: ") + nghttp2_strerror(static_cast<int>(rv));
    return false;
  }
  if (!finished_ && nghttp2_session_want_read(session_) == 0) {
    finished_ = true;  // a GOAWAY that leaves the stream unprocessed
    if (error_.empty()) error_ = "upstream ended the HTTP/2 connection before the response";
  }
  return !finished_ || complete_;
}

void UpstreamSession::take_output(std::string& out) {
  for (;;) {
    const std::uint8_t* p = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &p);
    if (n <= 0) return;
    out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
  }
}

bool UpstreamSession::want_write() const { return nghttp2_session_want_write(session_) != 0; }

void UpstreamSession::append_body(std::string_view bytes) {
  if (body_.append(bytes)) nghttp2_session_resume_data(session_, stream_id_);
}

void UpstreamSession::end_body(const Fields& trailers) {
  if (body_.end(trailers)) nghttp2_session_resume_data(session_, stream_id_);
}

void UpstreamSession::cancel() {
  if (!finished_) nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id_, NGHTTP2_CANCEL);
}

}  // namespace certgate::h2
