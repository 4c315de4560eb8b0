#include "config/toml_writer.hpp"

#include <cstdio>

#include "config/cert_text.hpp"
#include "core/sha256.hpp"

namespace certgate::config {
namespace {

const char* toml_bool(bool value) { return value ? "true" : "false"; }

void comment(std::string& out, std::string_view indent, std::string_view text) {
  out += std::string(indent) + "# " + toml_comment(text) + "\n";
}

void provenance(std::string& out, const TomlWriteOptions& options, std::string_view indent, const core::SourcePos& where) {
  if (!options.provenance) return;
  std::string text = where.to_string();
  if (!text.empty()) comment(out, indent, "from " + text);
}

void key(std::string& out, std::string_view indent, std::string_view name, std::string_view value) {
  out += std::string(indent) + std::string(name) + " = " + std::string(value) + "\n";
}

}  // namespace

std::string toml_string(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(u));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string toml_comment(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) c = ' ';
  }
  return out;
}

std::string write_mapping_toml(const core::MappingPolicy& mapping, std::optional<core::ClientCertMode> mode,
                               const TomlWriteOptions& options) {
  std::string out;
  for (const auto& line : options.header) comment(out, "", line);
  if (!options.header.empty()) out += "\n";

  if (mode) {
    out += "[tls]\n";
    if (!options.mode_comment.empty()) comment(out, "", options.mode_comment);
    key(out, "", "mode", toml_string(core::to_string(*mode)));
    out += "\n";
  }

  out += "[mapping]\n";
  key(out, "", "one_to_one_enabled", toml_bool(mapping.one_to_one_enabled));
  key(out, "", "many_to_one_enabled", toml_bool(mapping.many_to_one_enabled));
  key(out, "", "anonymous", toml_bool(mapping.anonymous));
  if (mapping.chain_only) key(out, "", "chain_only", "true");

  for (const auto& one : mapping.one_to_one) {
    out += "\n";
    provenance(out, options, "", one.where);
    comment(out, "", "certificate SHA-256 " + core::sha256_hex(one.der));
    out += "[[mapping.one_to_one]]\n";
    key(out, "", "user", toml_string(one.user));
    if (one.name != one.user) key(out, "", "name", toml_string(one.name));
    if (!one.enabled) key(out, "", "enabled", "false");
    if (!one.password.empty()) key(out, "", "password", toml_string(one.password));
    key(out, "", "blob", toml_string(base64_encode(one.der)));
  }

  for (const auto& many : mapping.many_to_one) {
    out += "\n";
    provenance(out, options, "", many.where);
    out += "[[mapping.many_to_one]]\n";
    key(out, "", "name", toml_string(many.name));
    if (!many.description.empty()) key(out, "", "description", toml_string(many.description));
    if (!many.enabled) key(out, "", "enabled", "false");
    key(out, "", "permission", toml_string(core::to_string(many.permission)));
    if (!many.user.empty()) key(out, "", "user", toml_string(many.user));
    if (!many.password.empty()) key(out, "", "password", toml_string(many.password));
    if (many.rules.empty()) comment(out, "", "no rules: matches every certificate that verifies");
    for (const auto& rule : many.rules) {
      out += "\n";
      provenance(out, options, "  ", rule.where);
      out += "  [[mapping.many_to_one.rules]]\n";
      key(out, "  ", "field", toml_string(core::to_string(rule.field)));
      key(out, "  ", "subfield", toml_string(rule.subfield));
      key(out, "  ", "match", toml_string(rule.match));
      key(out, "  ", "case_sensitive", toml_bool(rule.case_sensitive));
    }
  }
  return out;
}

}  // namespace certgate::config
