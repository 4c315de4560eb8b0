#pragma once
// A mapping policy written as certgate TOML ([tls] mode and [mapping] with its one-to-one and
// many-to-one tables), with comments saying where each mapping came from. parse_toml reads the result
// back to the same policy.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapping_policy.hpp"

namespace certgate::config {

struct TomlWriteOptions {
  std::vector<std::string> header;  // comment lines at the top of the file
  std::string mode_comment;         // comment line above `mode` (e.g. the sslFlags it came from)
  bool provenance = true;           // "# from file:line:column" above each mapping and rule (from SourcePos)
};

// A TOML basic string: "..." with \" \\ and control characters escaped; other UTF-8 is kept as is.
std::string toml_string(std::string_view value);

// Comment text on one line: control characters become spaces (TOML comments cannot hold them).
std::string toml_comment(std::string_view text);

// [tls] mode (only when given) and [mapping] with every table. Blobs are single-line base64 DER.
std::string write_mapping_toml(const core::MappingPolicy& mapping, std::optional<core::ClientCertMode> mode,
                               const TomlWriteOptions& options);

}  // namespace certgate::config
