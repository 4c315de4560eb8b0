#pragma once
#include <stdexcept>
#include <string>

#include "core/source_pos.hpp"

namespace certgate::config {

// A configuration is refused whole: the first error found, with where it is.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(core::SourcePos where, const std::string& what)
      : std::runtime_error(where.to_string().empty() ? what : where.to_string() + ": " + what),
        where_(std::move(where)), message_(what) {}
  const core::SourcePos& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  core::SourcePos where_;
  std::string message_;
};

}  // namespace certgate::config
