// The per-request header rewrite (prepare_upstream_request): strip hop-by-hop and spoofed identity headers,
// set the eight identity headers, append X-Forwarded-For. Measured on a copy of a typical browser request
// head; BM_CopyRequestHead is the copy alone, so the rewrite costs the difference.
#include <benchmark/benchmark.h>

#include <optional>

#include <boost/beast/http/fields.hpp>

#include "bench_certs.hpp"
#include "config/gateway_config.hpp"
#include "core/compiled_policy.hpp"
#include "core/decision.hpp"
#include "http/identity.hpp"
#include "proxy/header_policy.hpp"

namespace certgate::bench {
namespace {

namespace http = boost::beast::http;

struct Inputs {
  http::fields head;
  config::HeaderNames names;
  http_id::IdentityValues identity;
};

const Inputs& inputs() {
  static const Inputs in = [] {
    Inputs i;
    i.head.set(http::field::host, "app.example.com");
    i.head.set(http::field::user_agent,
               "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36");
    i.head.set(http::field::accept, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    i.head.set(http::field::accept_encoding, "gzip, deflate, br");
    i.head.set(http::field::accept_language, "en-US,en;q=0.9");
    i.head.set(http::field::cookie, "session=6f1c2d9e8b7a4c3d2e1f0a9b8c7d6e5f; theme=dark; consent=yes; _ga=GA1.2.1234567890");
    i.head.set(http::field::connection, "keep-alive");
    i.head.set("X-Request-Id", "0b6a2c1e-3f4d-4e5a-9b8c-7d6e5f4a3b2c");
    i.head.set("X-Client-Identity", "spoofed-admin");  // must be removed
    i.head.set("X-Forwarded-For", "203.0.113.9");

    static const BenchCerts certs;
    core::MappingPolicy policy;
    core::ManyToOneMapping m;
    m.name = "edge";
    m.user = "edge-user";
    m.rules.push_back({core::RuleField::subject, "CN", "edge.example.com", true, {}});
    policy.many_to_one.push_back(m);
    const auto compiled = core::CompiledPolicy::compile(std::move(policy), core::ClientCertMode::require);
    const std::optional<core::CertDigest> cert = certs.client("edge.example.com");
    core::VerifyResult verify;
    verify.status = core::VerifyStatus::ok;
    const core::Decision decision = core::decide(*compiled, &*cert, verify);
    i.identity = http_id::identity_values(decision, cert, verify);
    return i;
  }();
  return in;
}

void BM_CopyRequestHead(benchmark::State& state) {
  const Inputs& in = inputs();
  for (auto _ : state) {
    http::fields h = in.head;
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_PrepareUpstreamRequest(benchmark::State& state) {
  const Inputs& in = inputs();
  {
    http::fields h = in.head;
    proxy::prepare_upstream_request(h, in.names, in.identity, "127.0.0.1", false);
    if (h.count("X-Client-Identity") != 1 || h["X-Client-Identity"] != "edge-user") {
      state.SkipWithError("the rewrite did not set X-Client-Identity to the mapped user");
      return;
    }
  }
  for (auto _ : state) {
    http::fields h = in.head;
    proxy::prepare_upstream_request(h, in.names, in.identity, "127.0.0.1", false);
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK(BM_CopyRequestHead);
BENCHMARK(BM_PrepareUpstreamRequest);

}  // namespace
}  // namespace certgate::bench

BENCHMARK_MAIN();
