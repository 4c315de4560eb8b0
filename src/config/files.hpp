#pragma once
// File access and positions shared by the TOML and IIS loaders.
#include <optional>
#include <string>
#include <string_view>

#include "core/source_pos.hpp"

namespace certgate::config {

// The whole file, or nullopt with `error` set to why not ("No such file or directory", ...).
std::optional<std::string> read_file_bytes(const std::string& path, std::string& error);

// A path written in `config_file` is relative to that file's directory; "" stays "".
std::string resolve_path(std::string_view path, const std::string& config_file);

// 1-based line and column (in characters, not bytes) of a byte offset into text.
core::SourcePos position_at(std::string_view text, std::size_t offset, const std::string& file);

}  // namespace certgate::config
