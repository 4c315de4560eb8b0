#pragma once
// Incremental HTTP/1.1 response parser for the load generator: it finds the status, whether the connection
// stays open, and where the body ends (Content-Length, chunked, or the end of the connection). Bodies are
// counted, never stored, so a 64 KiB response costs no copy.
#include <cstddef>
#include <cstdint>
#include <string>

namespace certgate::bench {

class ResponseParser {
 public:
  enum class Result { need_more, done, error };

  void reset();

  // Consumes up to `len` bytes; `consumed` says how many. `done` means one final (non-1xx) response ended.
  Result feed(const char* data, std::size_t len, std::size_t& consumed);
  // The connection ended: completes a close-delimited body, anything else is an error.
  Result end_of_stream();

  int status() const { return status_; }
  bool keep_alive() const { return keep_alive_; }
  std::uint64_t body_bytes() const { return body_bytes_; }
  const std::string& error() const { return error_; }
  bool started() const { return started_; }

 private:
  enum class State { head, body_length, chunk_size, chunk_data, chunk_data_end, trailers, body_until_close, complete };

  Result parse_head();
  Result fail(std::string why);
  // Reads one CRLF-terminated line into line_; true when complete.
  bool take_line(const char* data, std::size_t len, std::size_t& pos);

  State state_ = State::head;
  std::string head_;
  std::string line_;
  std::uint64_t remaining_ = 0;
  std::uint64_t body_bytes_ = 0;
  int status_ = 0;
  bool keep_alive_ = true;
  bool started_ = false;
  std::string error_;
};

}  // namespace certgate::bench
