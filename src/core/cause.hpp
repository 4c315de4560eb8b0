#pragma once
// Why a client certificate was refused, in the words of the operator who has to fix it, with the fix. One
// code path computes it — src/tls from the verification it ran (VerifyResult::cause), the core's near-miss
// analysis for a verified certificate no mapping admitted (near_miss.hpp) — and explain, the decision's trace
// and the access log print it as it is. It is never part of the verdict: decide() has decided before it is
// computed, and only refusals get one.
#include <string>

namespace certgate::core {

struct Cause {
  std::string id;    // stable name of the kind of cause: "missing_issuer", "case_only", ... ("" = none)
  std::string text;  // one line: what is wrong, with the facts (names, fingerprints, dates)
  std::string fix;   // one line: what to change

  bool empty() const { return text.empty(); }
};

// "TEXT; fix: FIX" (TEXT alone without a fix, "" without a cause): the one line logs and traces carry.
std::string cause_line(const Cause& cause);

}  // namespace certgate::core
