#pragma once
// One IIS configuration file, parsed, as the places ("scopes") that can hold settings: the file's top
// level and each <location path>. A file may also be a fragment, as Microsoft's documentation samples
// are pasted: its root element is <location>, <system.webServer>, <security>, <authentication> or the
// <iisClientCertificateMappingAuthentication> section itself, and is read as if it stood at its place
// inside <configuration>. Shared by the reader (iis_loader.cpp) and the source map (iis_source_map.cpp).
#include <pugixml.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/source_pos.hpp"

namespace certgate::config {

// Element paths below a scope, from <system.webServer> down.
inline const std::vector<const char*> kIisMappingSectionPath = {"system.webServer", "security", "authentication",
                                                                "iisClientCertificateMappingAuthentication"};
inline const std::vector<const char*> kIisAnonymousPath = {"system.webServer", "security", "authentication",
                                                           "anonymousAuthentication"};
inline const std::vector<const char*> kIisAccessPath = {"system.webServer", "security", "access"};

struct IisScope {
  std::string path;       // as written in <location path="...">; "" for the top level
  std::string key;        // compared form: iis_location_key(path)
  pugi::xml_node node;    // the <location>, <configuration>, or the document of a fragment
  core::SourcePos where;  // the <location> element, or the root element
  bool is_location = false;
  // overrideMode="Deny" / allowOverride="false" on the <location>: its sections are locked for lower files.
  bool locked = false;
  std::string lock_text;  // the attribute as written, for messages
  core::SourcePos lock_where;
  bool unlocked = false;  // overrideMode="Allow" / allowOverride="true": its sections unlocked for lower files
  bool no_child_inheritance = false;  // inheritInChildApplications="false"
};

// A section declared in <configSections> with overrideModeDefault="Deny": locked for the files below
// unless a <location overrideMode="Allow"> holding it unlocks it.
struct IisDefaultLock {
  std::string section;  // "system.webServer/security/access", ...
  core::SourcePos where;
};

class IisDocument {
 public:
  // Throws ConfigError: XML syntax, or a root element that is neither <configuration> nor a fragment.
  IisDocument(std::string text, std::string file);

  const std::string& file() const { return file_; }
  const std::vector<IisScope>& scopes() const { return scopes_; }
  // "" for a <configuration> file; otherwise what the fragment is, for a note: "its root element is
  // <security> (system.webServer/security)".
  const std::string& fragment() const { return fragment_; }

  const std::vector<IisDefaultLock>& default_locks() const { return default_locks_; }

  // Every element at `path` (kIis...Path) within the scope.
  std::vector<pugi::xml_node> find(const IisScope& scope, const std::vector<const char*>& path) const;

  core::SourcePos at(const pugi::xml_node& node) const;
  // The attribute itself when it can be found in the text (multi-line elements), else its element.
  core::SourcePos at(const pugi::xml_node& node, const pugi::xml_attribute& attribute) const;
  [[noreturn]] void fail(const pugi::xml_node& node, const std::string& what) const;

 private:
  void read_default_locks(const pugi::xml_node& group, const std::string& prefix);
  void refuse_config_source(const pugi::xml_node& root) const;

  std::string text_;
  std::string file_;
  std::unique_ptr<pugi::xml_document> xml_;
  std::string root_name_;  // the fragment's root element name; "" for <configuration> and <location>
  std::string fragment_;
  std::vector<IisScope> scopes_;
  std::vector<IisDefaultLock> default_locks_;
};

// How location paths are compared: "/Default Web Site/app/" -> "default web site/app"; "." -> "".
std::string iis_location_key(std::string_view path);

// True when `ancestor` (a key) is `path` (a key) or one of its parents: "" is every path's ancestor,
// "site" is "site/app"'s, "site/ap" is not.
bool iis_key_covers(const std::string& ancestor, const std::string& path);

}  // namespace certgate::config
