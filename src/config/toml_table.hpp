#pragma once
// Typed, position-aware reading of one TOML table. Every key is checked against the known ones when the
// table is opened, so a typo is reported before anything that depends on it. All errors are ConfigError.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "config/gateway_config.hpp"
#include "core/source_pos.hpp"

namespace certgate::config {

core::SourcePos toml_position(const toml::source_region& region, const std::string& file);

// A string with where it was written (an array element, a key's value).
struct PositionedString {
  std::string value;
  core::SourcePos where;
};

class TomlTable {
 public:
  // label names the table in messages: "[server]", "[[host]]", "" for the top level.
  TomlTable(const toml::table& table, std::string label, const std::string& file, std::vector<std::string_view> known);

  const std::string& label() const { return label_; }
  const std::string& file() const { return file_; }
  core::SourcePos where() const;                      // the table's header (or the file when implicit)
  core::SourcePos where(std::string_view key) const;  // the key's value; the table when the key is absent
  bool has(std::string_view key) const { return table_.contains(key); }

  std::optional<std::string> string(std::string_view key) const;
  // A string that reaches a header or a log line (a user, a mapping name): control characters refused.
  std::optional<std::string> printable_string(std::string_view key) const;
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  std::optional<std::vector<PositionedString>> strings(std::string_view key) const;
  // A path relative to the TOML file's directory, resolved; "" stays "".
  std::optional<std::string> path(std::string_view key) const;
  // One path or an array of them, each resolved as path() does; empty strings are refused in an array.
  std::optional<std::vector<std::string>> path_list(std::string_view key) const;
  std::optional<Millis> duration(std::string_view key) const;
  std::optional<std::uint64_t> size(std::string_view key) const;
  // One of the allowed strings, mapped to its value.
  template <typename T>
  std::optional<T> choice(std::string_view key, const std::vector<std::pair<std::string_view, T>>& allowed) const {
    auto text = string(key);
    if (!text) return std::nullopt;
    for (const auto& [name, value] : allowed) {
      if (name == *text) return value;
    }
    std::vector<std::string_view> names;
    for (const auto& entry : allowed) names.push_back(entry.first);
    fail_choice(key, *text, names);
  }
  const toml::table* table(std::string_view key) const;
  // An array of tables ([[key]] or an array of inline tables).
  const toml::array* table_array(std::string_view key) const;

  [[noreturn]] void fail(std::string_view key, const std::string& what) const;  // "<label> <key>: what"
  [[noreturn]] void fail_at(const core::SourcePos& where, const std::string& what) const;
  [[noreturn]] void fail_missing(std::string_view key) const;

 private:
  [[noreturn]] void fail_choice(std::string_view key, const std::string& text,
                                const std::vector<std::string_view>& names) const;
  std::string describe(std::string_view key) const;  // "[server] listen", or "listen" at the top level
  const toml::node* node(std::string_view key) const { return table_.get(key); }

  const toml::table& table_;
  std::string label_;
  const std::string& file_;
};

}  // namespace certgate::config
