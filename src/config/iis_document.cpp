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
  pugi::xml_parse_result parsed =
      xml_->load_buffer(text_.data(), text_.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    throw ConfigError(position_at(text_, static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)), file_),
                      std::string("XML syntax: ") + parsed.description());
  }
  pugi::xml_node root = xml_->document_element();
  const std::string_view name = root.name();

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
