#include "tls/openssl_ptr.hpp"

#include <string>

#include <openssl/err.h>

namespace certgate::tls {

std::string take_openssl_errors() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    const char* lib = ERR_lib_error_string(code);
    const char* reason = ERR_reason_error_string(code);
    std::string one;
    if (lib != nullptr) one = std::string(lib) + ": ";
    one += reason != nullptr ? reason : "error " + std::to_string(ERR_GET_REASON(code));
    if (!out.empty()) out += "; ";
    out += one;
  }
  return out;
}

}  // namespace certgate::tls
