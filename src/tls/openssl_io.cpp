#include "tls/openssl_io.hpp"

#include <cstring>

#include <openssl/bio.h>
#include <openssl/evp.h>

namespace certgate::tls::detail {

BioPtr memory_bio(std::string_view bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

bool looks_like_pem(std::string_view bytes) { return bytes.find("-----BEGIN ") != std::string_view::npos; }

std::string decode_base64_blob(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') continue;
    bool b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
               c == '/' || c == '=';
    if (!b64 || u > 0x7f) return {};
    compact.push_back(c);
  }
  if (compact.empty() || compact.size() % 4 != 0) return {};
  std::size_t padding = 0;
  while (padding < 2 && compact[compact.size() - 1 - padding] == '=') ++padding;
  // '=' is only legal as trailing padding.
  if (compact.find('=') < compact.size() - padding) return {};

  std::string out(compact.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(compact.data()), static_cast<int>(compact.size()));
  if (n < 0 || static_cast<std::size_t>(n) < padding) return {};
  out.resize(static_cast<std::size_t>(n) - padding);  // EVP_DecodeBlock counts the padding as zero bytes
  return out;
}

int password_callback(char* buf, int size, int /*rwflag*/, void* u) {
  if (u == nullptr || size <= 0) return 0;
  const auto* password = static_cast<const std::string*>(u);
  if (password->size() > static_cast<std::size_t>(size)) return -1;
  std::memcpy(buf, password->data(), password->size());
  return static_cast<int>(password->size());
}

}  // namespace certgate::tls::detail
