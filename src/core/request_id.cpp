#include "core/request_id.hpp"

namespace certgate::core {

bool acceptable_request_id(std::string_view value) {
  if (value.empty() || value.size() > kMaxRequestIdBytes) return false;
  for (char c : value) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace certgate::core
