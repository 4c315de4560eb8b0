#pragma once
// Shared by the libFuzzer drivers: how a finding is reported, a real certificate digest to decide
// against, and the checks every decision must pass whatever policy or certificate produced it.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/compiled_policy.hpp"
#include "core/control_characters.hpp"
#include "core/decision.hpp"
#include "tls/cert_loader.hpp"
#include "tls/digest.hpp"

#ifndef CERTGATE_FUZZ_LEAF_DER
#error "CERTGATE_FUZZ_LEAF_DER must name the Cloudflare leaf certificate (set by fuzz/fuzz.cmake)"
#endif

namespace certgate::fuzz {

// A broken invariant: print it and abort, which libFuzzer records as a crash with its input.
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "\n== certgate fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline void require(bool condition, const std::string& what) {
  if (!condition) finding(what);
}

// The digest of the real Cloudflare edge certificate, read once (its DER also seeds the corpora, so
// a configuration mapping it one-to-one is one mutation away).
inline const core::CertDigest& cloudflare_leaf() {
  static const core::CertDigest digest = [] {
    try {
      tls::CertBundle bundle = tls::load_cert_bundle(CERTGATE_FUZZ_LEAF_DER);
      return tls::digest_of(bundle.certs.front().get());
    } catch (const std::exception& error) {
      std::fprintf(stderr, "cannot read the fixture certificate: %s\n", error.what());
      std::exit(1);
    }
  }();
  return digest;
}

// A decision must be one of the statuses the server can send, and consistent with itself.
inline void check_decision_shape(const core::Decision& d) {
  if (d.admitted) {
    require(d.status == 200 && d.substatus == 0, "admitted with status " + d.status_text());
    // The identity and the mapping name become header values upstream.
    require(core::find_control_character(d.identity) == std::string::npos &&
                core::find_control_character(d.mapping) == std::string::npos,
            "admitted with a control character in identity '" + core::escape_control_characters(d.identity) +
                "' or mapping '" + core::escape_control_characters(d.mapping) + "'");
  } else {
    require((d.status == 403 && (d.substatus == 7 || d.substatus == 12 || d.substatus == 13 || d.substatus == 16 ||
                                 d.substatus == 17)) ||
                (d.status == 401 && d.substatus == 2),
            "refused with unexpected status " + d.status_text());
    require(d.identity.empty(), "refused with " + d.status_text() + " but carries identity '" + d.identity + "'");
    // Only a deny mapping is named in a refusal (the mapping that decided).
    require(d.substatus == 12 ? !d.mapping.empty() : d.mapping.empty(),
            "refused with " + d.status_text() + " naming mapping '" + d.mapping + "'");
  }
  require(!d.reason.empty(), "decision " + d.status_text() + " without a reason");
  require(d.reason.find_first_of("\r\n") == std::string::npos, "a reason that breaks the log line");
}

// decide() with and without a trace takes different paths through the many-to-one rules; both must
// reach the same verdict. Returns the traced decision.
inline core::Decision decide_both_ways(const core::CompiledPolicy& policy, const core::CertDigest* cert,
                                       const core::VerifyResult& verify) {
  core::Decision quiet = core::decide(policy, cert, verify, false);
  core::Decision traced = core::decide(policy, cert, verify, true);
  check_decision_shape(quiet);
  check_decision_shape(traced);
  require(quiet.admitted == traced.admitted && quiet.status == traced.status && quiet.substatus == traced.substatus &&
              quiet.identity == traced.identity && quiet.mapping == traced.mapping,
          "decide() with a trace says " + traced.status_text() + " as '" + traced.identity + "' (" + traced.mapping +
              "), without one " + quiet.status_text() + " as '" + quiet.identity + "' (" + quiet.mapping + ")");
  require(quiet.trace.empty(), "decide() built a trace nobody asked for");
  require(!traced.trace.empty() && traced.trace.back().kind == core::TraceStep::Kind::result,
          "trace does not end with the result");
  return traced;
}

// A policy a loader accepted must compile (the loaders check subfields first), and deciding with it
// must hold the invariants above for no certificate, a verified one and a refused one.
inline void exercise_policy(core::MappingPolicy mapping, core::ClientCertMode mode, const core::CertDigest& cert) {
  std::shared_ptr<const core::CompiledPolicy> policy;
  try {
    policy = core::CompiledPolicy::compile(std::move(mapping), mode);
  } catch (const std::invalid_argument& error) {
    finding(std::string("the loader accepted a policy that does not compile: ") + error.what());
  }
  core::VerifyResult ok{core::VerifyStatus::ok, 0, -1, ""};
  core::VerifyResult expired{core::VerifyStatus::expired, 10, 0, "certificate has expired"};

  core::Decision none = decide_both_ways(*policy, nullptr, ok);
  if (mode == core::ClientCertMode::require) require(none.status == 403 && none.substatus == 7, "no cert: " + none.status_text());

  core::Decision verified = decide_both_ways(*policy, &cert, ok);
  if (mode == core::ClientCertMode::ignore) {
    require(verified.status == none.status && verified.substatus == none.substatus,
            "mode ignore: a certificate changed the verdict");
  }

  core::Decision refused = decide_both_ways(*policy, &cert, expired);
  if (mode != core::ClientCertMode::ignore) {
    require(refused.status == 403 && refused.substatus == 17, "expired cert: " + refused.status_text());
  }
}

}  // namespace certgate::fuzz
