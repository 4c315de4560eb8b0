#include "core/decision.hpp"

namespace certgate::core {

std::string Decision::status_text() const {
  std::string text = std::to_string(status);
  if (!admitted && substatus != 0) text += "." + std::to_string(substatus);
  return text;
}

std::string Decision::log_reason() const {
  if (cause.empty()) return reason;
  return reason + "; cause: " + cause_line(cause);
}

}  // namespace certgate::core
