#pragma once
// The two forms of `certgate report`: text for people (each table cut to its top rows) and JSON (every row;
// the schema is in docs/tools.md, "certgate report").
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "log/rollout_report.hpp"

namespace certgate::cli {

struct ReportContext {
  std::vector<std::string> files;   // as given ("-" = standard input)
  std::optional<std::string> since;  // the window's start, "2026-12-02T10:00:00Z"
  std::optional<std::string> host;
  std::optional<std::size_t> edge_ranges;  // how many ranges --edge and --edge-file gave
  std::size_t top = 10;                    // rows per table in the text form; 0 = all
};

std::string report_text(const logging::RolloutReport& r, const ReportContext& ctx);
nlohmann::ordered_json report_json(const logging::RolloutReport& r, const ReportContext& ctx);

}  // namespace certgate::cli
