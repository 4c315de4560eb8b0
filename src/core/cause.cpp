#include "core/cause.hpp"

namespace certgate::core {

std::string cause_line(const Cause& cause) {
  if (cause.empty()) return "";
  return cause.fix.empty() ? cause.text : cause.text + "; fix: " + cause.fix;
}

}  // namespace certgate::core
