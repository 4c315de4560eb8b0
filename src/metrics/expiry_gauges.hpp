#pragma once
// The expiry gauges (docs/metrics.md): seconds from the scrape to each server certificate's and trust anchor's
// notAfter (certgate_certificate_expiry_seconds) and to each CRL's nextUpdate (certgate_crl_next_update_seconds),
// negative once passed. Made at scrape time from the running configuration's time limits, so they are current
// at every scrape without a timer, and a reload that drops a file drops its series.
#include <prometheus/metric_family.h>

#include <cstdint>
#include <vector>

#include "core/time_limit.hpp"

namespace certgate::metrics {

// Both families, always (empty when nothing is loaded). A CRL without nextUpdate has no series; a label set
// that appears twice (one file given twice in a block) is exported once.
std::vector<prometheus::MetricFamily> expiry_families(const std::vector<core::TimeLimit>& limits, std::int64_t now);

}  // namespace certgate::metrics
