#include "loadgen/response_parser.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

namespace certgate::bench {
namespace {

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr std::size_t kMaxLine = 4096;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool parse_decimal(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

bool parse_hex(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 15) return false;
  out = 0;
  for (char c : s) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return false;
    out = out * 16 + static_cast<std::uint64_t>(v);
  }
  return true;
}

// Calls fn(token) for each comma-separated token of a header value, lower-cased and trimmed.
template <typename Fn>
void for_each_token(std::string_view value, Fn fn) {
  std::size_t pos = 0;
  while (pos <= value.size()) {
    std::size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view token = trim(value.substr(pos, comma - pos));
    if (!token.empty()) fn(lower(token));
    pos = comma + 1;
  }
}

}  // namespace

void ResponseParser::reset() {
  state_ = State::head;
  head_.clear();
  line_.clear();
  remaining_ = 0;
  body_bytes_ = 0;
  status_ = 0;
  keep_alive_ = true;
  started_ = false;
  error_.clear();
}

ResponseParser::Result ResponseParser::fail(std::string why) {
  error_ = std::move(why);
  return Result::error;
}

bool ResponseParser::take_line(const char* data, std::size_t len, std::size_t& pos) {
  const char* start = data + pos;
  const char* nl = static_cast<const char*>(std::memchr(start, '\n', len - pos));
  if (nl == nullptr) {
    line_.append(start, len - pos);
    pos = len;
    return false;
  }
  line_.append(start, static_cast<std::size_t>(nl - start));
  pos = static_cast<std::size_t>(nl - data) + 1;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  return true;
}

ResponseParser::Result ResponseParser::parse_head() {
  std::string_view head(head_);
  std::size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    return fail("malformed status line: " + std::string(status_line.substr(0, 80)));
  }
  const bool http10 = status_line[7] == '0';
  std::uint64_t code = 0;
  if (!parse_decimal(status_line.substr(9, 3), code) || code < 100 || code > 999) {
    return fail("malformed status code: " + std::string(status_line.substr(0, 80)));
  }
  status_ = static_cast<int>(code);
  keep_alive_ = !http10;

  bool have_length = false;
  bool chunked = false;
  std::uint64_t length = 0;
  std::size_t pos = eol + 2;
  while (pos < head.size()) {
    std::size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return fail("malformed header line: " + std::string(line.substr(0, 80)));
    }
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-length") {
      std::uint64_t n = 0;
      if (!parse_decimal(value, n)) return fail("bad Content-Length: " + std::string(value));
      if (have_length && n != length) return fail("conflicting Content-Length headers");
      have_length = true;
      length = n;
    } else if (name == "transfer-encoding") {
      chunked = false;
      for_each_token(value, [&](const std::string& token) { chunked = token == "chunked"; });
    } else if (name == "connection") {
      for_each_token(value, [&](const std::string& token) {
        if (token == "close") keep_alive_ = false;
        if (token == "keep-alive") keep_alive_ = true;
      });
    }
  }

  if (status_ >= 100 && status_ < 200 && status_ != 101) {
    // Interim response (100 Continue, 103 Early Hints): the final one follows.
    head_.clear();
    status_ = 0;
    state_ = State::head;
    return Result::need_more;
  }
  if (status_ == 204 || status_ == 304 || (status_ >= 100 && status_ < 200)) {
    state_ = State::complete;
  } else if (chunked) {
    state_ = State::chunk_size;
  } else if (have_length) {
    remaining_ = length;
    state_ = length == 0 ? State::complete : State::body_length;
  } else {
    keep_alive_ = false;
    state_ = State::body_until_close;
  }
  return state_ == State::complete ? Result::done : Result::need_more;
}

ResponseParser::Result ResponseParser::feed(const char* data, std::size_t len, std::size_t& consumed) {
  std::size_t pos = 0;
  consumed = 0;
  if (len > 0) started_ = true;
  while (pos < len) {
    switch (state_) {
      case State::head: {
        const std::size_t old = head_.size();
        const std::size_t take = std::min(len - pos, kMaxHead + 4 - old);
        head_.append(data + pos, take);
        const std::size_t search_from = old >= 3 ? old - 3 : 0;
        const std::size_t end = head_.find("\r\n\r\n", search_from);
        if (end == std::string::npos) {
          pos += take;
          if (head_.size() > kMaxHead) return fail("response head larger than 64 KiB");
          break;
        }
        pos += end + 4 - old;
        head_.resize(end + 4);
        const Result r = parse_head();
        if (r != Result::need_more) {
          consumed = pos;
          return r;
        }
        break;
      }
      case State::body_length: {
        const std::uint64_t take = std::min<std::uint64_t>(remaining_, len - pos);
        remaining_ -= take;
        body_bytes_ += take;
        pos += take;
        if (remaining_ == 0) {
          state_ = State::complete;
          consumed = pos;
          return Result::done;
        }
        break;
      }
      case State::chunk_size: {
        if (!take_line(data, len, pos)) {
          if (line_.size() > kMaxLine) return fail("chunk size line too long");
          break;
        }
        std::string_view size_text = trim(std::string_view(line_).substr(0, line_.find(';')));
        std::uint64_t size = 0;
        if (!parse_hex(size_text, size)) return fail("bad chunk size: " + line_.substr(0, 40));
        line_.clear();
        if (size == 0) {
          state_ = State::trailers;
        } else {
          remaining_ = size;
          state_ = State::chunk_data;
        }
        break;
      }
      case State::chunk_data: {
        const std::uint64_t take = std::min<std::uint64_t>(remaining_, len - pos);
        remaining_ -= take;
        body_bytes_ += take;
        pos += take;
        if (remaining_ == 0) state_ = State::chunk_data_end;
        break;
      }
      case State::chunk_data_end:
      case State::trailers: {
        if (!take_line(data, len, pos)) {
          if (line_.size() > kMaxLine) return fail("chunk trailer line too long");
          break;
        }
        const bool empty = line_.empty();
        line_.clear();
        if (state_ == State::chunk_data_end) {
          if (!empty) return fail("missing CRLF after chunk data");
          state_ = State::chunk_size;
        } else if (empty) {
          state_ = State::complete;
          consumed = pos;
          return Result::done;
        }
        break;
      }
      case State::body_until_close:
        body_bytes_ += len - pos;
        pos = len;
        break;
      case State::complete:
        consumed = pos;
        return Result::done;
    }
  }
  consumed = pos;
  return state_ == State::complete ? Result::done : Result::need_more;
}

ResponseParser::Result ResponseParser::end_of_stream() {
  if (state_ == State::body_until_close || state_ == State::complete) {
    state_ = State::complete;
    return Result::done;
  }
  return fail(started_ ? "connection closed in the middle of a response" : "connection closed before a response");
}

}  // namespace certgate::bench
