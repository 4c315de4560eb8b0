// decide() throughput with 1, 100 and 10,000 mappings: one-to-one (a hash lookup of the certificate's
// SHA-256, which must stay above 1M decisions/s per core at 10,000) and many-to-one in its worst case (only
// the last mapping matches, so every rule before it is evaluated).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "bench_certs.hpp"
#include "core/compiled_policy.hpp"
#include "core/decision.hpp"

namespace certgate::bench {
namespace {

struct Scenario {
  std::shared_ptr<const core::CompiledPolicy> policy;
  core::CertDigest cert;  // the certificate the benchmark presents
};

core::VerifyResult verified() {
  core::VerifyResult v;
  v.status = core::VerifyStatus::ok;
  return v;
}

char name_buffer[64];
const char* client_cn(int i) {
  std::snprintf(name_buffer, sizeof name_buffer, "client-%06d.example.com", i);
  return name_buffer;
}

// N one-to-one mappings of distinct real certificates; the presented certificate is the last one mapped.
const Scenario& one_to_one(int n) {
  static std::map<int, Scenario> cache;
  auto found = cache.find(n);
  if (found != cache.end()) return found->second;
  static const BenchCerts certs;
  core::MappingPolicy policy;
  Scenario s;
  for (int i = 0; i < n; ++i) {
    core::CertDigest digest = certs.client(client_cn(i));
    core::OneToOneMapping m;
    m.name = "user-" + std::to_string(i);
    m.user = "EXAMPLE\\user" + std::to_string(i);
    m.der = digest.der;
    policy.one_to_one.push_back(std::move(m));
    if (i == n - 1) s.cert = std::move(digest);
  }
  s.policy = core::CompiledPolicy::compile(std::move(policy), core::ClientCertMode::require);
  return cache.emplace(n, std::move(s)).first->second;
}

// N many-to-one mappings, each with an OU rule that holds and a CN rule that only the last one's holds:
// every mapping is evaluated down to its last rule (the scan's worst case).
const Scenario& many_to_one_scan(int n) {
  static std::map<int, Scenario> cache;
  auto found = cache.find(n);
  if (found != cache.end()) return found->second;
  static const BenchCerts certs;
  core::MappingPolicy policy;
  for (int i = 0; i < n; ++i) {
    core::ManyToOneMapping m;
    m.name = "group-" + std::to_string(i);
    m.user = "EXAMPLE\\group" + std::to_string(i);
    m.rules.push_back({core::RuleField::subject, "OU", "edge", false, {}});
    m.rules.push_back({core::RuleField::subject, "CN", client_cn(i), true, {}});
    policy.many_to_one.push_back(std::move(m));
  }
  Scenario s;
  s.cert = certs.client(client_cn(n - 1));
  s.policy = core::CompiledPolicy::compile(std::move(policy), core::ClientCertMode::require);
  return cache.emplace(n, std::move(s)).first->second;
}

void run_decisions(benchmark::State& state, const Scenario& s) {
  const core::VerifyResult verify = verified();
  {
    const core::Decision check = core::decide(*s.policy, &s.cert, verify);
    if (!check.admitted) {
      state.SkipWithError(("the scenario's certificate is not admitted: " + check.reason).c_str());
      return;
    }
  }
  for (auto _ : state) {
    core::Decision d = core::decide(*s.policy, &s.cert, verify);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_DecideOneToOne(benchmark::State& state) { run_decisions(state, one_to_one(static_cast<int>(state.range(0)))); }
void BM_DecideManyToOneScan(benchmark::State& state) {
  run_decisions(state, many_to_one_scan(static_cast<int>(state.range(0))));
}

BENCHMARK(BM_DecideOneToOne)->Arg(1)->Arg(100)->Arg(10000);
BENCHMARK(BM_DecideManyToOneScan)->Arg(1)->Arg(100)->Arg(10000);

}  // namespace
}  // namespace certgate::bench

BENCHMARK_MAIN();
