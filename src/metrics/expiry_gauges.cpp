#include "metrics/expiry_gauges.hpp"

#include <algorithm>

namespace certgate::metrics {

namespace {

using Label = prometheus::ClientMetric::Label;

void add(prometheus::MetricFamily& family, std::vector<Label> labels, double value) {
  std::sort(labels.begin(), labels.end());
  for (const prometheus::ClientMetric& m : family.metric) {
    if (m.label == labels) return;
  }
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

}  // namespace

std::vector<prometheus::MetricFamily> expiry_families(const std::vector<core::TimeLimit>& limits, std::int64_t now) {
  prometheus::MetricFamily certs;
  certs.name = "certgate_certificate_expiry_seconds";
  certs.help = "Seconds from now to the notAfter of each server certificate and trust anchor (negative once expired)";
  certs.type = prometheus::MetricType::Gauge;
  prometheus::MetricFamily crls;
  crls.name = "certgate_crl_next_update_seconds";
  crls.help = "Seconds from now to the nextUpdate of each loaded CRL (negative once past)";
  crls.type = prometheus::MetricType::Gauge;
  for (const core::TimeLimit& limit : limits) {
    const double left = static_cast<double>(limit.at - now);
    switch (limit.kind) {
      case core::TimeLimit::Kind::server:
      case core::TimeLimit::Kind::anchor:
        add(certs,
            {{"host_block", limit.host_block},
             {"kind", limit.kind == core::TimeLimit::Kind::server ? "server" : "anchor"},
             {"subject", limit.name},
             {"file", limit.file}},
            left);
        break;
      case core::TimeLimit::Kind::crl:
        if (limit.at == 0) break;  // no nextUpdate: nothing to count down to
        add(crls, {{"host_block", limit.host_block}, {"issuer", limit.name}, {"file", limit.file}}, left);
        break;
    }
  }
  return {std::move(certs), std::move(crls)};
}

}  // namespace certgate::metrics
