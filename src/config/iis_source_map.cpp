#include "config/iis_source_map.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <vector>

#include "config/config_error.hpp"
#include "config/files.hpp"
#include "core/ascii.hpp"

namespace certgate::config {
namespace {

struct Document {
  std::string_view text;
  const std::string& file;
  pugi::xml_document xml;

  Document(std::string_view t, const std::string& f) : text(t), file(f) {
    pugi::xml_parse_result parsed = xml.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_auto);
    if (!parsed) {
      throw ConfigError(position_at(text, static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)), file),
                        std::string("XML syntax: ") + parsed.description());
    }
  }

  core::SourcePos at(const pugi::xml_node& node) const {
    std::ptrdiff_t offset = node.offset_debug();
    if (offset < 0) return core::SourcePos{file};
    auto at = static_cast<std::size_t>(offset);
    if (at > 0 && at <= text.size() && text[at - 1] == '<') --at;  // the tag's '<', as parse_iis reports it
    return position_at(text, at, file);
  }
};

pugi::xml_node first_at(const pugi::xml_node& from, const std::vector<const char*>& path) {
  std::vector<pugi::xml_node> current{from};
  for (const char* name : path) {
    std::vector<pugi::xml_node> next;
    for (const auto& node : current) {
      for (const auto& child : node.children(name)) next.push_back(child);
    }
    current = std::move(next);
  }
  return current.empty() ? pugi::xml_node() : current.front();
}

const std::vector<const char*> kSectionPath = {"system.webServer", "security", "authentication",
                                               "iisClientCertificateMappingAuthentication"};
const std::vector<const char*> kAccessPath = {"system.webServer", "security", "access"};

// <configuration> itself (for the top level) and every <location> whose path matches.
std::vector<pugi::xml_node> containers(const pugi::xml_node& root, const std::string& location) {
  std::string wanted = iis_location_key(location);
  std::vector<pugi::xml_node> out;
  if (wanted.empty()) out.push_back(root);
  for (const auto& node : root.children("location")) {
    if (iis_location_key(node.attribute("path").value()) == wanted) out.push_back(node);
  }
  return out;
}

}  // namespace

// The same normalisation as parse_iis.
std::string iis_location_key(std::string_view path) {
  auto is_trim = [](char c) { return c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!path.empty() && is_trim(path.front())) path.remove_prefix(1);
  while (!path.empty() && is_trim(path.back())) path.remove_suffix(1);
  if (path == ".") return {};
  return core::ascii::lower_copy(path);
}

std::vector<IisLocationEntry> iis_mapping_locations(std::string_view xml, const std::string& file) {
  Document document(xml, file);
  pugi::xml_node root = document.xml.document_element();
  std::vector<IisLocationEntry> out;
  if (pugi::xml_node section = first_at(root, kSectionPath)) out.push_back({"", document.at(section)});
  std::vector<std::string> seen;
  for (const auto& node : root.children("location")) {
    if (!first_at(node, kSectionPath)) continue;
    std::string path = node.attribute("path").value();
    std::string key = iis_location_key(path);
    if (key.empty()) {
      // <location path="."> or path="" is the top level again.
      if (std::none_of(out.begin(), out.end(), [](const IisLocationEntry& e) { return e.path.empty(); })) {
        out.insert(out.begin(), {"", document.at(node)});
      }
      continue;
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    out.push_back({path, document.at(node)});
  }
  return out;
}

IisLocationFacts iis_location_facts(std::string_view xml, const std::string& file, const std::string& location) {
  Document document(xml, file);
  IisLocationFacts facts;
  for (const auto& container : containers(document.xml.document_element(), location)) {
    if (pugi::xml_node access = first_at(container, kAccessPath); access && facts.ssl_flags_where.line == 0) {
      if (pugi::xml_attribute flags = access.attribute("sslFlags")) {
        facts.ssl_flags = flags.value();
        facts.ssl_flags_where = document.at(access);
      }
    }
    if (pugi::xml_node section = first_at(container, kSectionPath); section && facts.section_where.line == 0) {
      facts.section_enabled = section.attribute("enabled").value();
      facts.section_where = document.at(section);
    }
  }
  return facts;
}

}  // namespace certgate::config
