#pragma once
// The body of one HTTP/2 stream that certgate sends (a response to a client, a request to an HTTP/2 upstream), as
// nghttp2's data provider reads it: bytes appended as they come from the other side, the end with trailers. When
// nothing is queued and the end has not come, the read defers (NGHTTP2_ERR_DEFERRED) and append()/end() say that
// the stream must be resumed. Also the nghttp2 form of header fields.
#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "h2/fields.hpp"

namespace certgate::h2 {

// Views into `fields`, which must outlive the result.
std::vector<nghttp2_nv> to_nv(const Fields& fields);

class BodySource {
 public:
  // True when the stream must be resumed (nghttp2_session_resume_data).
  bool append(std::string_view bytes);
  bool end(const Fields& trailers);
  // Bytes appended and not yet read by nghttp2.
  std::size_t queued() const { return body_.size() - sent_; }
  // The data provider's read: up to `length` bytes into `buf`, EOF (and the trailers submitted) at the end.
  ssize_t read(nghttp2_session* session, std::int32_t stream_id, std::uint8_t* buf, std::size_t length,
               std::uint32_t* data_flags);

 private:
  bool take_deferred();

  std::string body_;
  std::size_t sent_ = 0;  // bytes of body_ read already (dropped from the front now and then)
  bool ended_ = false;
  bool deferred_ = false;
  Fields trailers_;
};

}  // namespace certgate::h2
