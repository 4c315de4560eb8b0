#pragma once
#include <string>

namespace certgate::core {

// Where a configuration element came from, so every error and finding can point at it.
struct SourcePos {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown

  std::string to_string() const;  // "file:line:column" (parts that are unknown are left out)
};

}  // namespace certgate::core
