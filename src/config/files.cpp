#include "config/files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace certgate::config {

std::optional<std::string> read_file_bytes(const std::string& path, std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "is a directory";
    return std::nullopt;
  }
  // Only regular files, and not huge ones: "/dev/zero" or a log file named by mistake must fail, not exhaust memory.
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    error = "not a regular file";
    return std::nullopt;
  }
  if (auto size = std::filesystem::file_size(path, ec); !ec && size > 64u * 1024 * 1024) {
    error = "larger than 64 MiB";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    error = "read error";
    return std::nullopt;
  }
  return std::move(content).str();
}

std::string resolve_path(std::string_view path, const std::string& config_file) {
  if (path.empty()) return {};
  std::filesystem::path written(path);
  if (written.is_absolute()) return std::string(path);
  std::filesystem::path directory = std::filesystem::path(config_file).parent_path();
  if (directory.empty()) return std::string(path);
  return (directory / written).lexically_normal().string();
}

core::SourcePos position_at(std::string_view text, std::size_t offset, const std::string& file) {
  if (offset > text.size()) offset = text.size();
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xc0) != 0x80) {  // count UTF-8 lead bytes only
      ++column;
    }
  }
  return core::SourcePos{file, line, column};
}

}  // namespace certgate::config
