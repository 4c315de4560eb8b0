#include "h2/server_session.hpp"

#include <nghttp2/nghttp2.h>

#include <stdexcept>

namespace certgate::h2 {

bool TokenBucket::take(Clock::time_point now) {
  if (last_ != Clock::time_point{}) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  }
  last_ = now;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

namespace {

ServerSession* self_of(void* user) { return static_cast<ServerSession*>(user); }

// The fields with :status first.
std::vector<nghttp2_nv> with_status(const Fields& fields, std::string& status_text, int status) {
  status_text = std::to_string(status);
  std::vector<nghttp2_nv> nv{nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(":status")),
                                        reinterpret_cast<std::uint8_t*>(status_text.data()), 7, status_text.size(),
                                        NGHTTP2_NV_FLAG_NONE}};
  std::vector<nghttp2_nv> rest = to_nv(fields);
  nv.insert(nv.end(), rest.begin(), rest.end());
  return nv;
}

}  // namespace

struct ServerSession::Callbacks {
  static int begin_frame(nghttp2_session*, const nghttp2_frame_hd* hd, void* user) {
    ServerSession& s = *self_of(user);
    if (hd->type == NGHTTP2_HEADERS) s.continuations_ = 0;
    if (hd->type == NGHTTP2_CONTINUATION && ++s.continuations_ > s.limits_.max_continuations) {
      s.terminate(NGHTTP2_ENHANCE_YOUR_CALM, "CONTINUATION flood: more than h2_max_continuations after one HEADERS");
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    ServerSession& s = *self_of(user);
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    Incoming& in = s.incoming_[frame->hd.stream_id];
    in.fields.clear();
    in.bytes = 0;
    in.oversized = false;
    in.trailers = frame->headers.cat != NGHTTP2_HCAT_REQUEST;
    return 0;
  }

  static int header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                    const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user) {
    ServerSession& s = *self_of(user);
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    auto it = s.incoming_.find(frame->hd.stream_id);
    if (it == s.incoming_.end()) return 0;
    Incoming& in = it->second;
    // RFC 9113 6.5.2: a field counts its name, its value and 32.
    in.bytes += namelen + valuelen + 32;
    if (in.bytes > 2 * static_cast<std::size_t>(s.limits_.max_header_list)) {
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // resets the stream: no answer for a head this large
    }
    if (in.bytes > s.limits_.max_header_list) {
      in.oversized = true;
      return 0;
    }
    in.fields.emplace_back(std::string(reinterpret_cast<const char*>(name), namelen),
                           std::string(reinterpret_cast<const char*>(value), valuelen));
    return 0;
  }

  static int frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    ServerSession& s = *self_of(user);
    const auto now = TokenBucket::Clock::now();
    const std::int32_t id = frame->hd.stream_id;
    const bool end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    switch (frame->hd.type) {
      case NGHTTP2_HEADERS: {
        auto it = s.incoming_.find(id);
        if (it == s.incoming_.end()) return 0;
        Incoming in = std::move(it->second);
        s.incoming_.erase(it);
        if (!in.trailers) {
          s.events_.on_request(id, std::move(in.fields), in.oversized, end_stream);
        } else {
          if (!end_stream) return 0;  // a second head without END_STREAM: nghttp2 refuses it (not reached)
          s.events_.on_trailers(id, std::move(in.fields));
          s.events_.on_end_stream(id);
        }
        return 0;
      }
      case NGHTTP2_DATA:
        if (frame->hd.length == 0 && !end_stream && !s.control_.take(now)) {
          s.terminate(NGHTTP2_ENHANCE_YOUR_CALM, "flood of empty DATA frames (h2_control_burst, h2_control_rate)");
          return NGHTTP2_ERR_CALLBACK_FAILURE;
        }
        if (end_stream) s.events_.on_end_stream(id);
        return 0;
      case NGHTTP2_RST_STREAM:
        if (!s.resets_.take(now)) {
          s.terminate(NGHTTP2_ENHANCE_YOUR_CALM, "rapid reset: RST_STREAM over h2_reset_burst, h2_reset_rate");
          return NGHTTP2_ERR_CALLBACK_FAILURE;
        }
        return 0;
      case NGHTTP2_SETTINGS:
      case NGHTTP2_PING:
        if (frame->hd.flags & NGHTTP2_FLAG_ACK) return 0;
        [[fallthrough]];
      case NGHTTP2_PRIORITY:
        if (!s.control_.take(now)) {
          s.terminate(NGHTTP2_ENHANCE_YOUR_CALM,
                      "flood of SETTINGS, PING or PRIORITY frames (h2_control_burst, h2_control_rate)");
          return NGHTTP2_ERR_CALLBACK_FAILURE;
        }
        return 0;
      default: return 0;
    }
  }

  static int data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data, std::size_t len,
                        void* user) {
    self_of(user)->events_.on_data(id, data, len);
    return 0;
  }

  static int stream_close(nghttp2_session*, std::int32_t id, std::uint32_t error_code, void* user) {
    ServerSession& s = *self_of(user);
    auto in = s.incoming_.find(id);
    const bool head_incomplete = in != s.incoming_.end() && !in->second.trailers;
    if (in != s.incoming_.end()) s.incoming_.erase(in);
    s.outgoing_.erase(id);
    s.events_.on_close(id, error_code, head_incomplete);
    return 0;
  }

  static int frame_send(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    ServerSession& s = *self_of(user);
    if (!(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) return 0;
    auto it = s.outgoing_.find(frame->hd.stream_id);
    if (it == s.outgoing_.end() || !it->second.reset_after) return 0;
    if (nghttp2_session_get_stream_remote_close(session, frame->hd.stream_id) == 0) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_NO_ERROR);
    }
    return 0;
  }

  static ssize_t read_body(nghttp2_session* session, std::int32_t id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source*, void* user) {
    ServerSession& s = *self_of(user);
    auto it = s.outgoing_.find(id);
    if (it == s.outgoing_.end()) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const ssize_t n = it->second.body.read(session, id, buf, length, data_flags);
    if (n > 0) s.events_.on_body_sent(id);
    return n;
  }
};

ServerSession::ServerSession(const SessionLimits& limits, Events& events)
    : limits_(limits),
      events_(events),
      resets_(limits.reset_burst, limits.reset_rate),
      control_(limits.control_burst, limits.control_rate) {
  nghttp2_session_callbacks* cb = nullptr;
  nghttp2_session_callbacks_new(&cb);
  nghttp2_session_callbacks_set_on_begin_frame_callback(cb, Callbacks::begin_frame);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, Callbacks::begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cb, Callbacks::header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, Callbacks::frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, Callbacks::data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, Callbacks::stream_close);
  nghttp2_session_callbacks_set_on_frame_send_callback(cb, Callbacks::frame_send);
  nghttp2_option* opt = nullptr;
  nghttp2_option_new(&opt);
  // Request body is acknowledged (WINDOW_UPDATE) only once relayed: the windows bound what certgate buffers.
  nghttp2_option_set_no_auto_window_update(opt, 1);
  // nghttp2's own limits stay behind certgate's (which answer with ENHANCE_YOUR_CALM and a reason in the log).
  nghttp2_option_set_max_continuations(opt, limits_.max_continuations + 1);
  nghttp2_option_set_stream_reset_rate_limit(opt, 2ull * limits_.reset_burst, 2ull * limits_.reset_rate);
  const int rv = nghttp2_session_server_new2(&session_, cb, this, opt);
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cb);
  if (rv != 0) throw std::runtime_error("nghttp2_session_server_new2 failed");
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits_.max_concurrent_streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, limits_.stream_window},
      {NGHTTP2_SETTINGS_HEADER_TABLE_SIZE, limits_.header_table_size},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, limits_.max_header_list},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, sizeof settings / sizeof settings[0]);
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                        static_cast<std::int32_t>(limits_.connection_window));
}

ServerSession::~ServerSession() { nghttp2_session_del(session_); }

bool ServerSession::feed(const std::uint8_t* data, std::size_t size) {
  if (broken_) return false;
  const ssize_t rv = nghttp2_session_mem_recv(session_, data, size);
  if (rv < 0) {
    if (!broken_) {
      const std::uint32_t code = rv == NGHTTP2_ERR_FLOODED || rv == NGHTTP2_ERR_TOO_MANY_CONTINUATIONS
                                     ? NGHTTP2_ENHANCE_YOUR_CALM
                                     : NGHTTP2_PROTOCOL_ERROR;
      terminate(code, std::string("HTTP/2 connection error: ") + nghttp2_strerror(static_cast<int>(rv)));
    }
    return false;
  }
  return !broken_;
}

void ServerSession::take_output(std::string& out) {
  for (;;) {
    const std::uint8_t* p = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &p);
    if (n <= 0) return;
    out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    if (out.size() >= 64 * 1024) return;  // the rest on the next call, after this is written
  }
}

bool ServerSession::want_read() const { return !broken_ && nghttp2_session_want_read(session_) != 0; }
bool ServerSession::want_write() const { return nghttp2_session_want_write(session_) != 0; }

bool ServerSession::submit_response(std::int32_t id, int status, const Fields& fields, bool has_body) {
  std::string status_text;
  std::vector<nghttp2_nv> nv = with_status(fields, status_text, status);
  if (!has_body) return nghttp2_submit_response(session_, id, nv.data(), nv.size(), nullptr) == 0;
  outgoing_.try_emplace(id);
  nghttp2_data_provider provider{};
  provider.read_callback = Callbacks::read_body;
  return nghttp2_submit_response(session_, id, nv.data(), nv.size(), &provider) == 0;
}

void ServerSession::submit_interim(std::int32_t id, int status) {
  std::string status_text;
  std::vector<nghttp2_nv> nv = with_status({}, status_text, status);
  nghttp2_submit_headers(session_, NGHTTP2_FLAG_NONE, id, nullptr, nv.data(), nv.size(), nullptr);
}

void ServerSession::append_body(std::int32_t id, std::string_view bytes) {
  auto it = outgoing_.find(id);
  if (it != outgoing_.end() && it->second.body.append(bytes)) nghttp2_session_resume_data(session_, id);
}

void ServerSession::end_body(std::int32_t id, const Fields& trailers) {
  auto it = outgoing_.find(id);
  if (it != outgoing_.end() && it->second.body.end(trailers)) nghttp2_session_resume_data(session_, id);
}

std::size_t ServerSession::queued_body(std::int32_t id) const {
  auto it = outgoing_.find(id);
  return it == outgoing_.end() ? 0 : it->second.body.queued();
}

void ServerSession::reset_after_response(std::int32_t id) { outgoing_[id].reset_after = true; }

void ServerSession::reset(std::int32_t id, std::uint32_t error_code) {
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, error_code);
}

void ServerSession::consume(std::int32_t id, std::size_t size) {
  if (size == 0) return;
  if (nghttp2_session_find_stream(session_, id) != nullptr) nghttp2_session_consume(session_, id, size);
  else nghttp2_session_consume_connection(session_, size);
}

void ServerSession::stop_accepting(std::uint32_t error_code) {
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_), error_code,
                        nullptr, 0);
}

void ServerSession::terminate(std::uint32_t error_code, std::string why) {
  if (broken_) return;
  broken_ = true;
  failure_ = std::move(why);
  nghttp2_session_terminate_session(session_, error_code);
}

bool ServerSession::receive_window_full() const {
  return nghttp2_session_get_effective_recv_data_length(session_) >=
         nghttp2_session_get_effective_local_window_size(session_);
}

std::int32_t ServerSession::last_stream_id() const { return nghttp2_session_get_last_proc_stream_id(session_); }

}  // namespace certgate::h2
