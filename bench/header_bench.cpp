// The per-request head work: check_request (framing, Host, upgrade) and render_upstream_request (the upstream
// request head rendered from a typical browser request head, leaving out hop-by-hop and spoofed identity headers,
// appending the connection's identity block, rendered once per handshake: BM_RenderIdentityBlock, and extending
// X-Forwarded-For and Via).
#include <benchmark/benchmark.h>

#include <optional>
#include <string>

#include <boost/beast/http/message.hpp>

#include "bench_certs.hpp"
#include "config/gateway_config.hpp"
#include "core/compiled_policy.hpp"
#include "core/decision.hpp"
#include "http/identity.hpp"
#include "http/identity_headers.hpp"
#include "http/request_check.hpp"
#include "http/upstream_request.hpp"

namespace certgate::bench {
namespace {

namespace http = boost::beast::http;

struct Inputs {
  http::request_header<> head;
  config::HeaderNames names;
  h1::HeaderRules rules;
  http_id::IdentityValues identity;
};

const Inputs& inputs() {
  static const Inputs in = [] {
    Inputs i;
    i.head.method(http::verb::get);
    i.head.target("/app/dashboard?tab=settings");
    i.head.version(11);
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
    i.rules = h1::HeaderRules::build(i.names, {"websocket"});

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

// For scale: a copy of the parsed head (allocates each field, as parsing does).
void BM_CopyRequestHead(benchmark::State& state) {
  const Inputs& in = inputs();
  for (auto _ : state) {
    http::request_header<> h = in.head;
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// The identity headers of a connection, rendered once per handshake.
void BM_RenderIdentityBlock(benchmark::State& state) {
  const Inputs& in = inputs();
  for (auto _ : state) {
    std::string block = h1::render_identity_block(in.names, in.identity);
    benchmark::DoNotOptimize(block);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// The per-request check of a parsed head.
void BM_CheckRequest(benchmark::State& state) {
  const Inputs& in = inputs();
  for (auto _ : state) {
    h1::RequestCheck check = h1::check_request(in.head, in.rules, 1 << 20, "app.example.com");
    benchmark::DoNotOptimize(check);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// The per-request work: the upstream request head rendered from the parsed one, into a reused buffer.
void BM_RenderUpstreamRequest(benchmark::State& state) {
  const Inputs& in = inputs();
  const std::string block = h1::render_identity_block(in.names, in.identity);
  const h1::RequestCheck check = h1::check_request(in.head, in.rules, 1 << 20, "app.example.com");
  if (!check.request) {
    state.SkipWithError("the benchmark's request is refused");
    return;
  }
  std::string out;
  h1::render_upstream_request(out, *check.request, in.head, in.rules, block, "127.0.0.1");
  if (out.find("\r\nX-Client-Identity: edge-user\r\n") == std::string::npos ||
      out.find("spoofed-admin") != std::string::npos) {
    state.SkipWithError("the rendered head does not carry the mapped user alone");
    return;
  }
  for (auto _ : state) {
    h1::render_upstream_request(out, *check.request, in.head, in.rules, block, "127.0.0.1");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK(BM_CopyRequestHead);
BENCHMARK(BM_RenderIdentityBlock);
BENCHMARK(BM_CheckRequest);
BENCHMARK(BM_RenderUpstreamRequest);

}  // namespace
}  // namespace certgate::bench

BENCHMARK_MAIN();
