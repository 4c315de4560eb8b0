#pragma once
// decide(): the one place where a request's fate is settled. The server (once per handshake) and the
// operator tools (explain, check) call it; nothing else decides.
#include <string>
#include <string_view>
#include <vector>

#include "core/cert_digest.hpp"
#include "core/compiled_policy.hpp"
#include "core/verify_result.hpp"

namespace certgate::core {

// The mapping name of an admission in chain-only mode (MappingPolicy::chain_only).
inline constexpr std::string_view kChainOnlyMapping = "(chain)";

// One line of the explanation. Filled only when decide() is asked for a trace.
struct TraceStep {
  // mapping_mode: what the block's mapping policy does (mapped / chain_only / none), right after mode.
  // cause: a refusal's cause (label = its id, actual = its text, note = text and fix), right before result.
  enum class Kind { mode, mapping_mode, verify, one_to_one, mapping, rule, anonymous, cause, result };
  Kind kind;
  std::string label;   // mapping name, rule text ("subject.CN = *.example.com"), ...
  std::string actual;  // the certificate's values for a rule ("a.example.com | b.example.com"), or other detail
  bool matched = false;
  std::string note;    // human sentence
  std::string hint{};  // a failing rule's near miss ("It fails only by case ..."), also at the end of note
};

struct Decision {
  bool admitted = false;
  int status = 0;        // HTTP status on the wire: 200 (admitted), 403, 401
  int substatus = 0;     // IIS substatus: 7, 12, 13, 16, 17, 2; 0 when admitted
  std::string identity;  // mapped user ("" when anonymous or rejected)
  std::string mapping;   // mapping name that decided, allow or deny ("" when none)
  VerifyStatus verify = VerifyStatus::not_presented;
  std::string reason;    // one line: why (OpenSSL text, mapping name, ...)
  // Refusals only: the actual cause and its fix (the verification's, or the mapping's nearest miss). Computed
  // after the verdict, never changing it.
  Cause cause;
  std::vector<TraceStep> trace;
  // False when the block is report-only (enforce = false): a refusal is then let through, and only logged.
  bool enforced = true;

  // Whether the request goes on to the upstream: admitted, or refused under a block that does not enforce.
  bool lets_through() const { return admitted || !enforced; }
  // A refusal that report-only lets through: logged as would_refuse=<status_text()>.
  bool would_refuse() const { return !admitted && !enforced; }
  std::string status_text() const;  // "403.16", "401.2", "200"
  // The access log's reason: `reason`, then "; cause: ..." when there is one (one line).
  std::string log_reason() const;
};

// cert is null when the client presented no certificate (or none was requested).
// verify is ignored when cert is null.
Decision decide(const CompiledPolicy& policy, const CertDigest* cert, const VerifyResult& verify,
                bool want_trace = false);

}  // namespace certgate::core
