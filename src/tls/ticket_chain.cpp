#include "tls/ticket_chain.hpp"

#include <cstring>

namespace certgate::tls {
namespace {

// "certgate chain, version 1", then a count byte, then each certificate as a 4-byte big-endian length and its DER.
constexpr char kMagic[] = {'C', 'G', 'C', '1'};
constexpr int kMaxCertificates = 32;

}  // namespace

std::optional<std::string> encode_ticket_chain(X509* leaf, STACK_OF(X509) * intermediates) {
  std::string out(kMagic, sizeof kMagic);
  const int total = intermediates ? sk_X509_num(intermediates) : 0;
  const int first = total > 0 && leaf != nullptr && X509_cmp(sk_X509_value(intermediates, 0), leaf) == 0 ? 1 : 0;
  if (total - first > kMaxCertificates) return std::nullopt;
  out.push_back(static_cast<char>(total - first));
  for (int i = first; i < total; ++i) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(sk_X509_value(intermediates, i), &der);
    if (len <= 0) return std::nullopt;
    const auto n = static_cast<std::uint32_t>(len);
    const char prefix[] = {char(n >> 24), char(n >> 16), char(n >> 8), char(n)};
    out.append(prefix, sizeof prefix);
    out.append(reinterpret_cast<const char*>(der), n);
    OPENSSL_free(der);
    if (out.size() > kMaxTicketChainBytes) return std::nullopt;
  }
  return out;
}

X509StackPtr decode_ticket_chain(const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  if (p == nullptr || size < sizeof kMagic + 1 || std::memcmp(p, kMagic, sizeof kMagic) != 0) return nullptr;
  std::size_t at = sizeof kMagic;
  const int count = p[at++];
  if (count > kMaxCertificates) return nullptr;
  X509StackPtr chain(sk_X509_new_null());
  if (!chain) return nullptr;
  for (int i = 0; i < count; ++i) {
    if (size - at < 4) return nullptr;
    const std::size_t len = (std::size_t(p[at]) << 24) | (std::size_t(p[at + 1]) << 16) |
                            (std::size_t(p[at + 2]) << 8) | p[at + 3];
    at += 4;
    if (len == 0 || len > size - at) return nullptr;
    const unsigned char* der = p + at;
    X509Ptr cert(d2i_X509(nullptr, &der, static_cast<long>(len)));
    if (!cert || der != p + at + len) return nullptr;
    if (sk_X509_push(chain.get(), cert.get()) <= 0) return nullptr;
    cert.release();
    at += len;
  }
  if (at != size) return nullptr;
  return chain;
}

}  // namespace certgate::tls
