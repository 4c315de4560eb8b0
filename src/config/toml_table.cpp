#include "config/toml_table.hpp"

#include <algorithm>

#include "config/config_error.hpp"
#include "config/files.hpp"
#include "config/load.hpp"
#include "config/names.hpp"
#include "core/control_characters.hpp"

namespace certgate::config {

core::SourcePos toml_position(const toml::source_region& region, const std::string& file) {
  return core::SourcePos{file, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

TomlTable::TomlTable(const toml::table& table, std::string label, const std::string& file,
                     std::vector<std::string_view> known)
    : table_(table), label_(std::move(label)), file_(file) {
  for (auto&& [key, value] : table_) {
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    std::string message = "unknown key '" + std::string(key.str()) + "'";
    message += label_.empty() ? " at the top level" : " in " + label_;
    if (auto suggestion = closest_name(key.str(), known)) message += "; did you mean '" + std::string(*suggestion) + "'?";
    throw ConfigError(toml_position(key.source(), file_), message);
  }
}

core::SourcePos TomlTable::where() const {
  if (table_.source().begin.line == 0) return core::SourcePos{file_};
  return toml_position(table_.source(), file_);
}

core::SourcePos TomlTable::where(std::string_view key) const {
  const toml::node* value = node(key);
  if (value == nullptr || value->source().begin.line == 0) return where();
  return toml_position(value->source(), file_);
}

std::string TomlTable::describe(std::string_view key) const {
  return label_.empty() ? std::string(key) : label_ + " " + std::string(key);
}

void TomlTable::fail(std::string_view key, const std::string& what) const {
  throw ConfigError(where(key), describe(key) + ": " + what);
}

void TomlTable::fail_at(const core::SourcePos& where, const std::string& what) const { throw ConfigError(where, what); }

void TomlTable::fail_missing(std::string_view key) const {
  throw ConfigError(where(), (label_.empty() ? std::string("the file") : label_) + ": missing required key '" +
                                 std::string(key) + "'");
}

void TomlTable::fail_choice(std::string_view key, const std::string& text,
                            const std::vector<std::string_view>& names) const {
  fail(key, "'" + text + "' is not allowed; expected one of: " + join(names));
}

std::optional<std::string> TomlTable::string(std::string_view key) const {
  const toml::node* value = node(key);
  if (value == nullptr) return std::nullopt;
  if (const auto* text = value->as_string()) return text->get();
  fail(key, "expected a string");
}

std::optional<std::string> TomlTable::printable_string(std::string_view key) const {
  auto text = string(key);
  if (text) {
    if (std::string problem = core::describe_control_character(*text); !problem.empty()) {
      fail(key, "contains " + problem + " (this value reaches headers and log lines, where it would break the line)");
    }
  }
  return text;
}

std::optional<bool> TomlTable::boolean(std::string_view key) const {
  const toml::node* value = node(key);
  if (value == nullptr) return std::nullopt;
  if (const auto* flag = value->as_boolean()) return flag->get();
  fail(key, "expected true or false");
}

std::optional<std::int64_t> TomlTable::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  const toml::node* value = node(key);
  if (value == nullptr) return std::nullopt;
  const auto* number = value->as_integer();
  if (number == nullptr) fail(key, "expected an integer");
  if (number->get() < min || number->get() > max) {
    fail(key, std::to_string(number->get()) + " is out of range (" + std::to_string(min) + ".." + std::to_string(max) + ")");
  }
  return number->get();
}

std::optional<std::vector<PositionedString>> TomlTable::strings(std::string_view key) const {
  const toml::node* value = node(key);
  if (value == nullptr) return std::nullopt;
  const auto* array = value->as_array();
  if (array == nullptr) fail(key, "expected an array of strings");
  std::vector<PositionedString> out;
  for (const toml::node& element : *array) {
    const auto* text = element.as_string();
    if (text == nullptr) fail_at(toml_position(element.source(), file_), describe(key) + ": expected an array of strings");
    out.push_back({text->get(), toml_position(element.source(), file_)});
  }
  return out;
}

std::optional<std::string> TomlTable::path(std::string_view key) const {
  auto text = string(key);
  if (!text) return std::nullopt;
  return resolve_path(*text, file_);
}

std::optional<std::vector<std::string>> TomlTable::path_list(std::string_view key) const {
  const toml::node* value = node(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) {
    auto one = path(key);
    if (one->empty()) return std::vector<std::string>{};
    return std::vector<std::string>{*one};
  }
  if (!value->is_array()) fail(key, "expected a string or an array of strings");
  std::vector<std::string> out;
  const std::vector<PositionedString> texts = *strings(key);
  for (const PositionedString& text : texts) {
    if (text.value.empty()) fail_at(text.where, describe(key) + ": an empty file name");
    out.push_back(resolve_path(text.value, file_));
  }
  return out;
}

std::optional<Millis> TomlTable::duration(std::string_view key) const {
  const toml::node* value = node(key);
  if (value == nullptr) return std::nullopt;
  if (const auto* seconds = value->as_integer()) {
    if (seconds->get() < 0) fail(key, "a duration cannot be negative");
    if (auto parsed = parse_duration(std::to_string(seconds->get()))) return parsed;
    fail(key, "duration too large");
  }
  const auto* text = value->as_string();
  if (text == nullptr) fail(key, "expected a duration string (\"10s\") or an integer number of seconds");
  if (auto parsed = parse_duration(text->get())) return parsed;
  fail(key, "'" + text->get() + "' is not a duration (expected e.g. \"250ms\", \"10s\", \"2m\", \"1h\")");
}

std::optional<std::uint64_t> TomlTable::size(std::string_view key) const {
  const toml::node* value = node(key);
  if (value == nullptr) return std::nullopt;
  if (const auto* bytes = value->as_integer()) {
    if (bytes->get() < 0) fail(key, "a size cannot be negative");
    return static_cast<std::uint64_t>(bytes->get());
  }
  const auto* text = value->as_string();
  if (text == nullptr) fail(key, "expected a size string (\"16KiB\") or an integer number of bytes");
  if (auto parsed = parse_size(text->get())) return parsed;
  fail(key, "'" + text->get() + "' is not a size (expected e.g. \"16KiB\", \"1MiB\", \"100MB\" or a number of bytes)");
}

const toml::table* TomlTable::table(std::string_view key) const {
  const toml::node* value = node(key);
  if (value == nullptr) return nullptr;
  if (const auto* inner = value->as_table()) return inner;
  fail(key, "expected a table");
}

const toml::array* TomlTable::table_array(std::string_view key) const {
  const toml::node* value = node(key);
  if (value == nullptr) return nullptr;
  const auto* array = value->as_array();
  bool all_tables = array != nullptr && std::all_of(array->begin(), array->end(),
                                                    [](const toml::node& element) { return element.is_table(); });
  if (!all_tables) {
    std::string inner = label_.empty() ? std::string(key) : label_ + "." + std::string(key);
    inner.erase(std::remove(inner.begin(), inner.end(), '['), inner.end());
    inner.erase(std::remove(inner.begin(), inner.end(), ']'), inner.end());
    fail(key, "expected an array of tables ([[" + inner + "]])");
  }
  return array;
}

}  // namespace certgate::config
