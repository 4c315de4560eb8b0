#pragma once
// Temporary directories with real files, and capturing a ConfigError to check where it points.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>

#include "config/config_error.hpp"

#ifndef CERTGATE_TEST_DATA_DIR
#error "CERTGATE_TEST_DATA_DIR must point at tests/data (set by CMake)"
#endif

namespace certgate::config::test_support {

// Real certificates shared by the project's tests.
inline const std::string kLeafPem = CERTGATE_TEST_DATA_DIR "/aop-certs/cloudflare-aop-leaf-2016-2017-expired.pem";
inline const std::string kLeafDer = CERTGATE_TEST_DATA_DIR "/aop-certs/cloudflare-aop-leaf-2016-2017-expired.der";
inline const std::string kLeafSha256 = "63749ef9c7baed3421868a96e4cc0ccb9fda80eb65dd51fca62841a2314fce82";

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A fresh directory under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("certgate-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& relative = "") const {
    return relative.empty() ? path_.string() : (path_ / relative).string();
  }

  // Writes content to relative (creating directories) and returns the full path.
  std::string write(const std::string& relative, std::string_view content) const {
    std::filesystem::path full = path_ / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return full.string();
  }

 private:
  std::filesystem::path path_;
};

// Runs body, which must throw ConfigError; returns it (an empty one, with a test failure, if not).
inline ConfigError capture_error(const std::function<void()>& body) {
  try {
    body();
  } catch (const ConfigError& error) {
    return error;
  } catch (const std::exception& other) {
    ADD_FAILURE() << "expected ConfigError, got another exception: " << other.what();
    return ConfigError({}, "");
  }
  ADD_FAILURE() << "expected ConfigError, nothing was thrown";
  return ConfigError({}, "");
}

inline bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace certgate::config::test_support

// The error of `statement` points at line:column and its message contains `text`.
#define EXPECT_CONFIG_ERROR_AT(statement, line_, column_, text_)                                   \
  do {                                                                                              \
    auto error_ = ::certgate::config::test_support::capture_error([&] { statement; });              \
    EXPECT_EQ(error_.where().line, (line_)) << error_.what();                                       \
    EXPECT_EQ(error_.where().column, (column_)) << error_.what();                                   \
    EXPECT_TRUE(::certgate::config::test_support::contains(error_.message(), (text_))) << error_.what(); \
  } while (false)
