#include "http/request_id.hpp"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <random>

#include "core/request_id.hpp"

namespace certgate::http_id {
namespace {

// xoshiro256** (Blackman and Vigna, https://prng.di.unimi.it/xoshiro256starstar.c).
class Xoshiro256 {
 public:
  Xoshiro256() {
    std::size_t got = 0;
    auto* bytes = reinterpret_cast<unsigned char*>(s_.data());
    while (got < sizeof s_) {
      ssize_t n = ::getrandom(bytes + got, sizeof s_ - got, 0);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got < sizeof s_) {  // getrandom unavailable (seccomp, old kernel): the library's OS source instead
      std::random_device rd;
      for (auto& w : s_) w = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the one state the generator cannot leave
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

void append_hex(std::string& out, std::uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 0xF]);
}

}  // namespace

std::string generate_request_id() {
  thread_local Xoshiro256 rng;
  std::string id;
  id.reserve(32);
  append_hex(id, rng.next());
  append_hex(id, rng.next());
  return id;
}

std::string request_id_for(const boost::beast::http::request_header<>& head, std::string_view from, bool verified_edge) {
  if (verified_edge && !from.empty()) {
    auto [first, last] = head.equal_range(boost::beast::string_view(from.data(), from.size()));
    if (first != last && std::next(first) == last) {
      const auto v = first->value();
      const std::string_view value(v.data(), v.size());
      if (core::acceptable_request_id(value)) return std::string(value);
    }
  }
  return generate_request_id();
}

}  // namespace certgate::http_id
