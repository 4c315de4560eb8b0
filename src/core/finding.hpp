#pragma once
// One result of `certgate check`: a stable code, where it is, what is wrong and how to fix it.
// Produced by the pure lints in core (mapping policy) and by the certificate lints in src/tls.
#include <string>
#include <string_view>
#include <vector>

#include "core/source_pos.hpp"

namespace certgate::core {

// error: serve would refuse the configuration. warning: serve runs, but not as the operator meant.
// note: information that changes nothing (e.g. "not enough to serve: no listen address").
enum class Severity { error, warning, note };

struct Finding {
  std::string code;  // stable, e.g. "CG101"; documented in docs/tools.md
  Severity severity = Severity::warning;
  SourcePos where;
  std::vector<std::string> hosts;  // host blocks concerned ("default", "api.example.com"); empty = global
  std::string message;             // one line: what is wrong and what follows from it
  std::string fix;                 // one line: how to fix it
};

std::string_view to_string(Severity s);

// Merges findings that are the same (code, position, message) but were found in several host blocks
// (a [[host]] inheriting [tls] or [mapping] repeats the default block's findings); keeps first-seen order.
std::vector<Finding> merge_findings(std::vector<Finding> findings);

}  // namespace certgate::core
