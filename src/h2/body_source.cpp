#include "h2/body_source.hpp"

#include <algorithm>
#include <cstring>

namespace certgate::h2 {

std::vector<nghttp2_nv> to_nv(const Fields& fields) {
  std::vector<nghttp2_nv> nv;
  nv.reserve(fields.size());
  for (const Field& f : fields) {
    nv.push_back(nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.first.data())),
                            reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.second.data())), f.first.size(),
                            f.second.size(), NGHTTP2_NV_FLAG_NONE});
  }
  return nv;
}

bool BodySource::take_deferred() {
  const bool was = deferred_;
  deferred_ = false;
  return was;
}

bool BodySource::append(std::string_view bytes) {
  body_.append(bytes);
  return take_deferred();
}

bool BodySource::end(const Fields& trailers) {
  ended_ = true;
  trailers_ = trailers;
  return take_deferred();
}

ssize_t BodySource::read(nghttp2_session* session, std::int32_t stream_id, std::uint8_t* buf, std::size_t length,
                         std::uint32_t* data_flags) {
  const std::size_t n = std::min(length, body_.size() - sent_);
  if (n > 0) std::memcpy(buf, body_.data() + sent_, n);
  sent_ += n;
  if (sent_ == body_.size()) {
    body_.clear();
    sent_ = 0;
    if (ended_) {
      *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      if (!trailers_.empty()) {
        *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        std::vector<nghttp2_nv> nv = to_nv(trailers_);
        nghttp2_submit_trailer(session, stream_id, nv.data(), nv.size());
      }
    } else if (n == 0) {
      deferred_ = true;
      return NGHTTP2_ERR_DEFERRED;
    }
  } else if (sent_ > 64 * 1024) {
    body_.erase(0, sent_);  // what was read is not kept
    sent_ = 0;
  }
  return static_cast<ssize_t>(n);
}

}  // namespace certgate::h2
