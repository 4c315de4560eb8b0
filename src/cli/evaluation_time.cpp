#include "cli/evaluation_time.hpp"

#include <ctime>
#include <iostream>

#include "core/time_text.hpp"

namespace certgate::cli {

void add_at_option(CLI::App& app, std::optional<std::string>& at) {
  app.add_option("--at", at,
                 "evaluate at this time instead of now: 2016-08-01, 2016-08-01T12:00:00Z, +02:00 offsets, or unix "
                 "seconds");
}

std::optional<std::int64_t> evaluation_time(const std::optional<std::string>& at) {
  if (!at) return static_cast<std::int64_t>(std::time(nullptr));
  if (auto parsed = core::parse_time(*at)) return parsed;
  std::cerr << "certgate: --at: '" << *at
            << "' is not a time (expected 2016-08-01, 2016-08-01T12:00:00Z, 2016-08-01T14:00:00+02:00 or unix "
               "seconds)\n";
  return std::nullopt;
}

}  // namespace certgate::cli
