#include "core/mapping_policy.hpp"

namespace certgate::core {

std::string_view to_string(ClientCertMode m) {
  switch (m) {
    case ClientCertMode::ignore: return "ignore";
    case ClientCertMode::accept: return "accept";
    case ClientCertMode::require: return "require";
  }
  return "unknown";
}

std::string_view to_string(RuleField f) {
  switch (f) {
    case RuleField::subject: return "subject";
    case RuleField::issuer: return "issuer";
  }
  return "unknown";
}

std::string_view to_string(Permission p) {
  switch (p) {
    case Permission::allow: return "allow";
    case Permission::deny: return "deny";
  }
  return "unknown";
}

}  // namespace certgate::core
