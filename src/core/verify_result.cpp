#include "core/verify_result.hpp"

namespace certgate::core {

std::string_view to_string(VerifyStatus s) {
  switch (s) {
    case VerifyStatus::not_presented: return "not_presented";
    case VerifyStatus::ok: return "ok";
    case VerifyStatus::untrusted: return "untrusted";
    case VerifyStatus::expired: return "expired";
    case VerifyStatus::not_yet_valid: return "not_yet_valid";
    case VerifyStatus::revoked: return "revoked";
  }
  return "unknown";
}

}  // namespace certgate::core
