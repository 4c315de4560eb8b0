#include "core/source_pos.hpp"

namespace certgate::core {

std::string SourcePos::to_string() const {
  std::string out = file;
  auto append = [&out](int number) {
    if (!out.empty()) out.push_back(':');
    out += std::to_string(number);
  };
  if (line > 0) {
    append(line);
    // A column means nothing without its line.
    if (column > 0) append(column);
  }
  return out;
}

}  // namespace certgate::core
