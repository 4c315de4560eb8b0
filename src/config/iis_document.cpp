#include "config/iis_document.hpp"

#include <algorithm>
#include <cstdint>

#include "config/config_error.hpp"
#include "config/files.hpp"
#include "core/ascii.hpp"

namespace certgate::config {
namespace {

using core::ascii::lower_copy;

std::string element(const pugi::xml_node& node) { return "<" + std::string(node.name()) + ">"; }

// The elements a fragment may start with, each with where it stands inside <configuration>.
struct FragmentRoot {
  std::string_view name;
  std::string_view place;
};
constexpr FragmentRoot kFragmentRoots[] = {
    {"system.webServer", "system.webServer"},
    {"security", "system.webServer/security"},
    {"authentication", "system.webServer/security/authentication"},
    {"iisClientCertificateMappingAuthentication", "system.webServer/security/authentication/"
                                                  "iisClientCertificateMappingAuthentication"},
};

// IIS writes applicationHost.config in UTF-8, but a web.config saved by Notepad or Visual Studio may be
// UTF-16. pugixml would convert it itself, but then its offsets point into its converted copy, not into
// the file, and every line:column would be wrong: convert first, and give pugixml (and positions) UTF-8.
// Returns false when the text is not UTF-16 (no BOM, and no '<' as the first 16-bit unit).
bool utf16_to_utf8(const std::string& in, std::string& out, std::string& error) {
  auto u8 = [&](std::size_t i) { return static_cast<unsigned char>(in[i]); };
  if (in.size() < 2) return false;
  bool little;
  std::size_t at = 0;
  if (u8(0) == 0xFF && u8(1) == 0xFE) {
    little = true;
    at = 2;
  } else if (u8(0) == 0xFE && u8(1) == 0xFF) {
    little = false;
    at = 2;
  } else if (u8(0) == '<' && u8(1) == 0) {
    little = true;
  } else if (u8(0) == 0 && u8(1) == '<') {
    little = false;
  } else {
    return false;
  }
  if ((in.size() - at) % 2 != 0) {
    error = "the file is UTF-16 but has an odd number of bytes";
    return true;
  }
  auto unit = [&](std::size_t i) -> std::uint32_t {
    return little ? (u8(i) | (u8(i + 1) << 8)) : ((u8(i) << 8) | u8(i + 1));
  };
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = at; i < in.size(); i += 2) {
    std::uint32_t c = unit(i);
    if (c >= 0xD800 && c <= 0xDBFF) {
      if (i + 3 >= in.size() || unit(i + 2) < 0xDC00 || unit(i + 2) > 0xDFFF) {
        error = "the file is UTF-16 but has an unpaired surrogate at byte " + std::to_string(i);
        return true;
      }
      c = 0x10000 + ((c - 0xD800) << 10) + (unit(i + 2) - 0xDC00);
      i += 2;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      error = "the file is UTF-16 but has an unpaired surrogate at byte " + std::to_string(i);
      return true;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return true;
}

}  // namespace

std::string iis_location_key(std::string_view path) {
  auto is_trim = [](char c) { return c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!path.empty() && is_trim(path.front())) path.remove_prefix(1);
  while (!path.empty() && is_trim(path.back())) path.remove_suffix(1);
  if (path == ".") return {};
  return lower_copy(path);
}

bool iis_key_covers(const std::string& ancestor, const std::string& path) {
  if (ancestor.empty() || ancestor == path) return true;
  return path.size() > ancestor.size() && path.starts_with(ancestor) && path[ancestor.size()] == '/';
}

IisDocument::IisDocument(std::string text, std::string file)
    : text_(std::move(text)), file_(std::move(file)), xml_(std::make_unique<pugi::xml_document>()) {
  pugi::xml_encoding encoding = pugi::encoding_auto;
  std::string utf8;
  std::string error;
  if (utf16_to_utf8(text_, utf8, error)) {
    if (!error.empty()) throw ConfigError(core::SourcePos{file_}, error);
    text_ = std::move(utf8);
    encoding = pugi::encoding_utf8;  // the declaration still says UTF-16; the text no longer is
  }
  pugi::xml_parse_result parsed = xml_->load_buffer(text_.data(), text_.size(), pugi::parse_default, encoding);
  if (!parsed) {
    throw ConfigError(position_at(text_, static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)), file_),
                      std::string("XML syntax: ") + parsed.description());
  }
  pugi::xml_node root = xml_->document_element();
  const std::string_view name = root.name();
  refuse_config_source(root);

  // The lock and inheritance attributes of a <location>.
  auto location_scope = [&](const pugi::xml_node& node) {
    IisScope scope;
    scope.path = node.attribute("path").value();
    scope.key = iis_location_key(scope.path);
    scope.node = node;
    scope.where = at(node);
    scope.is_location = true;
    if (pugi::xml_attribute mode = node.attribute("overrideMode")) {
      const std::string value = lower_copy(mode.value());
      if (value == "deny") {
        scope.locked = true;
        scope.lock_text = std::string("overrideMode=\"") + mode.value() + "\"";
        scope.lock_where = at(node, mode);
      } else if (value == "allow") {
        scope.unlocked = true;
      } else if (value != "inherit") {
        throw ConfigError(at(node, mode), std::string("<location> overrideMode: '") + mode.value() +
                                              "' is not allowed; expected Allow, Deny or Inherit");
      }
    }
    if (pugi::xml_attribute allow = node.attribute("allowOverride")) {
      const std::string value = lower_copy(allow.value());
      if (value == "false") {
        scope.locked = true;
        scope.lock_text = std::string("allowOverride=\"") + allow.value() + "\"";
        scope.lock_where = at(node, allow);
      } else if (value == "true") {
        scope.unlocked = true;
      } else {
        throw ConfigError(at(node, allow), std::string("<location> allowOverride: '") + allow.value() +
                                               "' is not a boolean (true or false)");
      }
    }
    if (pugi::xml_attribute inherit = node.attribute("inheritInChildApplications")) {
      const std::string value = lower_copy(inherit.value());
      if (value == "false") {
        scope.no_child_inheritance = true;
      } else if (value != "true") {
        throw ConfigError(at(node, inherit), std::string("<location> inheritInChildApplications: '") +
                                                 inherit.value() + "' is not a boolean (true or false)");
      }
    }
    return scope;
  };

  if (name == "configuration") {
    read_default_locks(root.child("configSections"), "");
    IisScope top;
    top.node = root;
    top.where = at(root);
    scopes_.push_back(std::move(top));
    for (const auto& node : root.children("location")) scopes_.push_back(location_scope(node));
    return;
  }
  if (name == "location") {
    fragment_ = "its root element is <location path=\"" + std::string(root.attribute("path").value()) +
                "\" ...>, read as if inside <configuration>";
    scopes_.push_back(location_scope(root));
    return;
  }
  for (const FragmentRoot& fragment : kFragmentRoots) {
    if (name != fragment.name) continue;
    root_name_ = std::string(fragment.name);
    fragment_ = "its root element is " + element(root) + ", read as " + std::string(fragment.place) +
                " at the top level of a <configuration>";
    IisScope top;
    top.node = *xml_;  // the document: its one child is the fragment's root
    top.where = at(root);
    scopes_.push_back(std::move(top));
    return;
  }
  fail(root, "not an IIS configuration file: the root element is " + element(root) +
                 "; expected <configuration>, or a fragment whose root is <location>, <system.webServer>, "
                 "<security>, <authentication> or <iisClientCertificateMappingAuthentication>");
}

// <configSections><sectionGroup name="system.webServer"><sectionGroup name="security">
//   <section name="access" overrideModeDefault="Deny"/> ...: the sections locked by default.
// IIS can keep a section in a file of its own (<access configSource="access.config" />). certgate is given
// files, not the directory they sit in, and a section read from elsewhere would carry the wrong positions:
// rather than read the element as an empty section (which would silently refuse everyone), say so.
void IisDocument::refuse_config_source(const pugi::xml_node& root) const {
  static constexpr std::string_view kSections[] = {"iisClientCertificateMappingAuthentication",
                                                   "anonymousAuthentication", "access"};
  // Depth-first without recursion: a hostile file may nest deeply.
  for (pugi::xml_node node = root; node;) {
    const std::string_view section = node.name();
    const pugi::xml_attribute source = node.attribute("configSource");
    if (!source || std::find(std::begin(kSections), std::end(kSections), section) == std::end(kSections)) {
      if (pugi::xml_node child = node.first_child()) {
        node = child;
        continue;
      }
      while (node && node != root && !node.next_sibling()) node = node.parent();
      if (!node || node == root) break;
      node = node.next_sibling();
      continue;
    }
    throw ConfigError(at(node, source),
                      element(node) + " configSource=\"" + source.value() +
                          "\": IIS keeps this section in that file, and certgate does not follow configSource; "
                          "paste the file's " + element(node) + " element in place of this one (or give that file "
                          "with --iis-config when this element is at the top level: it is read as a fragment)");
  }
}

void IisDocument::read_default_locks(const pugi::xml_node& group, const std::string& prefix) {
  for (const auto& child : group.children()) {
    const std::string_view kind = child.name();
    const std::string name = prefix + child.attribute("name").value();
    if (kind == "sectionGroup") {
      read_default_locks(child, name + "/");
    } else if (kind == "section") {
      pugi::xml_attribute mode = child.attribute("overrideModeDefault");
      if (mode && lower_copy(mode.value()) == "deny") default_locks_.push_back({name, at(child, mode)});
    }
  }
}

std::vector<pugi::xml_node> IisDocument::find(const IisScope& scope, const std::vector<const char*>& path) const {
  auto from = path.begin();
  if (!root_name_.empty()) {
    // A fragment: the path is followed from the fragment's own element on (a <security> fragment holds
    // no <system.webServer>); paths that do not pass through it find nothing.
    from = std::find_if(path.begin(), path.end(), [&](const char* name) { return root_name_ == name; });
    if (from == path.end()) return {};
  }
  std::vector<pugi::xml_node> current{scope.node};
  for (auto it = from; it != path.end(); ++it) {
    std::vector<pugi::xml_node> next;
    for (const auto& node : current) {
      for (const auto& child : node.children(*it)) next.push_back(child);
    }
    current = std::move(next);
  }
  return current;
}

core::SourcePos IisDocument::at(const pugi::xml_node& node) const {
  std::ptrdiff_t offset = node.offset_debug();
  if (offset < 0) return core::SourcePos{file_};
  auto at = static_cast<std::size_t>(offset);
  if (at > 0 && at <= text_.size() && text_[at - 1] == '<') --at;  // point at the tag's '<'
  return position_at(text_, at, file_);
}

core::SourcePos IisDocument::at(const pugi::xml_node& node, const pugi::xml_attribute& attribute) const {
  const std::ptrdiff_t element_offset = node.offset_debug();
  if (element_offset < 0 || !attribute) return at(node);
  // offset_debug() is the element name's distance from the start of the parse buffer; the attribute's
  // name lies in the same buffer. Checked against the text, so anything unexpected falls back.
  const auto base = reinterpret_cast<std::uintptr_t>(node.name()) - static_cast<std::uintptr_t>(element_offset);
  const auto name = reinterpret_cast<std::uintptr_t>(attribute.name());
  const std::string_view wanted = attribute.name();
  if (name < base || name - base >= text_.size() || std::string_view(text_).substr(name - base, wanted.size()) != wanted) {
    return at(node);
  }
  return position_at(text_, static_cast<std::size_t>(name - base), file_);
}

void IisDocument::fail(const pugi::xml_node& node, const std::string& what) const { throw ConfigError(at(node), what); }

}  // namespace certgate::config
