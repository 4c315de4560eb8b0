// The decision procedure (IIS order): mode -> presence -> chain verification -> one-to-one ->
// many-to-one -> anonymous, or, when chosen, chain-only. One code path serves both the server and
// `certgate explain`; the trace is only built when asked for, so the server's path allocates nothing
// beyond the returned strings.
#include <string_view>

#include "core/control_characters.hpp"
#include "core/decision.hpp"
#include "core/mapping_mode.hpp"
#include "core/near_miss.hpp"
#include "core/rule_match.hpp"
#include "core/sha256.hpp"

namespace certgate::core {
namespace {

constexpr std::string_view kUnnamedOneToOne = "(one-to-one)";
constexpr std::string_view kCommonNameOid = "2.5.4.3";

// Collects trace steps when a trace was asked for; every string is built behind on().
class Tracer {
 public:
  explicit Tracer(std::vector<TraceStep>* steps) : steps_(steps) {}
  bool on() const { return steps_ != nullptr; }

  std::size_t add(TraceStep::Kind kind, std::string label, std::string actual, bool matched, std::string note) {
    steps_->push_back(TraceStep{kind, std::move(label), std::move(actual), matched, std::move(note)});
    return steps_->size() - 1;
  }
  TraceStep& at(std::size_t index) { return (*steps_)[index]; }

 private:
  std::vector<TraceStep>* steps_;
};

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

void admit(Decision& decision, std::string_view identity, std::string_view mapping, std::string reason) {
  decision.admitted = true;
  decision.status = 200;
  decision.substatus = 0;
  decision.identity = identity;
  decision.mapping = mapping;
  decision.reason = std::move(reason);
}

void reject(Decision& decision, int status, int substatus, std::string reason) {
  decision.admitted = false;
  decision.status = status;
  decision.substatus = substatus;
  decision.identity.clear();
  decision.mapping.clear();
  decision.reason = std::move(reason);
}

// ---- trace sentences ----

std::string mode_note(ClientCertMode mode, bool certificate_sent) {
  std::string note;
  switch (mode) {
    case ClientCertMode::ignore:
      note = "Client certificates are ignored (mode ignore).";
      note += certificate_sent ? " The client sent one; it is disregarded." : " The client sent none.";
      return note;
    case ClientCertMode::accept:
      note = "Client certificates are optional (mode accept): one that is presented must verify.";
      break;
    case ClientCertMode::require:
      note = "Client certificates are required (mode require).";
      break;
  }
  note += certificate_sent ? " The client presented a certificate." : " The client presented no certificate.";
  return note;
}

// ---- verification ----

std::string verify_failure_reason(const VerifyResult& verify) {
  // The reason is logged and may be shown to the client: nothing in it may break a line.
  std::string reason = escape_control_characters(verify.reason);
  if (reason.empty()) {
    switch (verify.status) {
      case VerifyStatus::expired: reason = "certificate has expired"; break;
      case VerifyStatus::not_yet_valid: reason = "certificate is not yet valid"; break;
      case VerifyStatus::revoked: reason = "certificate revoked"; break;
      case VerifyStatus::not_presented: reason = "certificate was presented but not verified"; break;
      default: reason = "certificate verification failed"; break;
    }
  }
  if (verify.depth > 0) reason += " (depth " + std::to_string(verify.depth) + ")";
  return reason;
}

// A cause is logged and shown on a terminal: nothing in it may break a line, whoever wrote the names in it.
Cause one_line(Cause cause) {
  cause.text = escape_control_characters(cause.text);
  cause.fix = escape_control_characters(cause.fix);
  return cause;
}

int verify_failure_substatus(VerifyStatus status) {
  switch (status) {
    case VerifyStatus::expired:
    case VerifyStatus::not_yet_valid: return 17;
    case VerifyStatus::revoked: return 13;
    default: return 16;  // untrusted, and a certificate nobody verified: fail closed
  }
}

// ---- anonymous fallback ----

// A verified certificate reaches here when no mapping admitted or denied it, or when the policy has no
// mappings and chain-only was not chosen (then nothing can give it an identity).
void decide_anonymous(const CompiledPolicy& policy, bool certificate_verified, Decision& decision, Tracer& trace) {
  const bool anonymous = policy.source().anonymous;
  const bool unmapped = certificate_verified && mapping_mode(policy.source()) == MappingMode::none;
  if (anonymous) {
    admit(decision, "", "",
          !certificate_verified ? "no client certificate; anonymous access is on"
          : unmapped            ? "certificate verified but no mapping is configured; anonymous access is on"
                                : "certificate verified but no mapping matched; anonymous access is on");
  } else {
    reject(decision, 401, 2,
           !certificate_verified ? "no client certificate and anonymous access is off"
           : unmapped ? "certificate verified but no mapping is configured (chain-only mode, which admits any "
                        "verified certificate as its CN, is chosen with chain_only = true or --chain-only)"
                      : "certificate verified but no mapping matched");
  }
  if (!trace.on()) return;
  std::string note = !certificate_verified ? "No certificate was presented"
                     : unmapped ? "No mappings are configured and chain_only is not set, so no certificate gets an "
                                  "identity (set [mapping] chain_only = true, or serve --chain-only, to admit every "
                                  "verified certificate as its subject CN)"
                                : "No mapping gave this certificate an identity";
  note += anonymous ? "; anonymous access is on, so the request is admitted without an identity."
                    : " and anonymous access is off, so the request is refused (401.2).";
  trace.add(TraceStep::Kind::anonymous, "anonymous", anonymous ? "on" : "off", anonymous, std::move(note));
}

// ---- chain only ----

// Why a name taken from a certificate cannot be sent upstream as X-Client-Identity ("subject CN contains
// ..."), or "" when it can. Configured names are checked when the configuration is loaded; this one is
// whatever the CA signed.
std::string identity_problem(std::string_view identity, bool from_cn) {
  const std::string what = from_cn ? "subject CN" : "subject";
  if (identity.empty()) return what + " is empty: there is no identity to send upstream";
  if (const std::string control = describe_control_character(identity); !control.empty()) {
    return what + " contains " + control + ", which cannot be sent upstream as the identity";
  }
  // A header value has no leading or trailing whitespace (RFC 9110, 5.5): the upstream would see another name.
  if (identity.front() == ' ' || identity.back() == ' ') {
    return what + " begins or ends with a space, which an identity header cannot carry";
  }
  return "";
}

void decide_chain_only(const CertDigest& cert, Decision& decision, Tracer& trace) {
  std::string_view identity = cert.subject.rfc4514;
  bool from_cn = false;
  for (const DnAttribute& attribute : cert.subject.attributes) {
    if (attribute.oid == kCommonNameOid) {
      identity = attribute.value;
      from_cn = true;
      break;
    }
  }
  // The certificate, not the policy, is at fault, so it is refused like any invalid certificate: 403.16,
  // in every mode (anonymous access does not turn a bad certificate into no certificate).
  if (const std::string problem = identity_problem(identity, from_cn); !problem.empty()) {
    reject(decision, 403, 16, "certificate " + problem);
    if (trace.on()) {
      trace.add(TraceStep::Kind::mapping, std::string(kChainOnlyMapping), escape_control_characters(identity), false,
                "Chain-only mode: the identity would be the " +
                    std::string(from_cn ? "subject's first CN" : "subject's full name, as it has no CN") + ", but the " +
                    problem + "; refused with 403.16.");
    }
    return;
  }
  admit(decision, identity, kChainOnlyMapping, "certificate chain verified; chain-only mode");
  if (trace.on()) {
    trace.add(TraceStep::Kind::mapping, std::string(kChainOnlyMapping), std::string(identity), true,
              std::string("Chain-only mode (chain_only = true): a verified chain is enough; the identity is the ") +
                  (from_cn ? "subject's first CN." : "subject's full name, as it has no CN."));
  }
}

// ---- one-to-one ----

// Names of disabled one-to-one mappings holding this certificate (trace only: a scan is fine here).
std::string disabled_one_to_one_names(const CompiledPolicy& policy, const std::string& fingerprint) {
  std::string names;
  for (const OneToOneMapping& mapping : policy.source().one_to_one) {
    if (mapping.enabled || mapping.der.empty() || sha256_hex(mapping.der) != fingerprint) continue;
    if (!names.empty()) names += ", ";
    names += quoted(mapping.name);
  }
  return names;
}

bool decide_one_to_one(const CompiledPolicy& policy, const std::string& fingerprint, Decision& decision,
                       Tracer& trace) {
  const MappingPolicy& source = policy.source();
  if (!source.one_to_one_enabled) {
    if (trace.on()) {
      trace.add(TraceStep::Kind::one_to_one, "one-to-one", "sha256 " + fingerprint, false,
                "One-to-one mappings are switched off; not consulted.");
    }
    return false;
  }
  const OneToOneMapping* hit = policy.find_one_to_one(fingerprint);
  if (hit) {
    const std::string_view name = hit->name.empty() ? kUnnamedOneToOne : std::string_view(hit->name);
    admit(decision, hit->user, name, "one-to-one mapping " + quoted(name));
    if (trace.on()) {
      trace.add(TraceStep::Kind::one_to_one, "one-to-one", "sha256 " + fingerprint, true,
                "The certificate is one-to-one mapping " + quoted(name) + ", user " + quoted(hit->user) + ".");
    }
    return true;
  }
  if (trace.on()) {
    std::string note;
    if (source.one_to_one.empty()) {
      note = "No one-to-one mappings are configured.";
    } else {
      note = "No enabled one-to-one mapping holds this certificate.";
      const std::string disabled = disabled_one_to_one_names(policy, fingerprint);
      if (!disabled.empty()) note += " It is held by disabled mapping " + disabled + ", which is skipped.";
    }
    trace.add(TraceStep::Kind::one_to_one, "one-to-one", "sha256 " + fingerprint, false, std::move(note));
  }
  return false;
}

// ---- many-to-one ----

// All rules of one mapping. Without a trace it stops at the first failing rule; with one it shows every rule.
bool mapping_matches(const CompiledMapping& mapping, const CertDigest& cert, Tracer& trace) {
  if (!trace.on()) {
    for (const CompiledRule& rule : mapping.rules) {
      if (!rule_matches(rule, cert)) return false;
    }
    return true;
  }
  const ManyToOneMapping& source = *mapping.source;
  const std::size_t mapping_step =
      trace.add(TraceStep::Kind::mapping, source.name,
                source.permission == Permission::allow ? "allow as " + quoted(source.user) : "deny", false, "");
  std::size_t failed = 0;
  for (const CompiledRule& rule : mapping.rules) {
    const bool matched = rule_matches(rule, cert);
    std::string actual = rule_actual_values(rule, cert);
    const bool absent = actual == "(absent)";
    std::string note;
    if (matched) {
      note = "A " + rule.label + " value matches.";
    } else if (absent) {
      note = "The " + std::string(to_string(rule.field)) + " has no " + rule.source->subfield +
             " attribute, so the rule fails.";
    } else {
      note = "No " + rule.label + " value matches.";
    }
    std::string hint;
    if (!matched) {
      ++failed;
      hint = near_miss_note(rule, rule_near_miss(rule, cert));
      if (!hint.empty()) note += " " + hint;
    }
    trace.at(trace.add(TraceStep::Kind::rule, rule_text(rule), std::move(actual), matched, std::move(note))).hint =
        std::move(hint);
  }

  TraceStep& step = trace.at(mapping_step);
  step.matched = failed == 0;
  const std::string name = "Mapping " + quoted(source.name);
  if (failed > 0) {
    step.note = name + ": " + std::to_string(failed) + " of " + std::to_string(mapping.rules.size()) +
                (mapping.rules.size() == 1 ? " rule does" : " rules do") + " not match; trying the next mapping.";
  } else {
    step.note = name + (mapping.rules.empty() ? " has no rules, so it matches every verified certificate"
                                              : " matches: every rule holds");
    step.note += source.permission == Permission::allow ? "; it allows the request as user " + quoted(source.user) + "."
                                                        : "; it denies the request (403.12).";
  }
  return failed == 0;
}

void trace_skipped_mapping(const ManyToOneMapping& mapping, Tracer& trace) {
  trace.add(TraceStep::Kind::mapping, mapping.name, "disabled", false,
            "Mapping " + quoted(mapping.name) + " is disabled; skipped.");
}

bool decide_many_to_one(const CompiledPolicy& policy, const CertDigest& cert, Decision& decision, Tracer& trace) {
  const MappingPolicy& source = policy.source();
  if (!source.many_to_one_enabled) {
    if (trace.on()) {
      trace.add(TraceStep::Kind::mapping, "many-to-one", "switched off", false,
                "Many-to-one mappings are switched off; not consulted.");
    }
    return false;
  }
  // Compiled mappings are the enabled ones in source order; the trace also shows the disabled ones between.
  std::size_t next_source = 0;
  auto trace_disabled_before = [&](const ManyToOneMapping* stop) {
    while (next_source < source.many_to_one.size() && &source.many_to_one[next_source] != stop) {
      trace_skipped_mapping(source.many_to_one[next_source], trace);
      ++next_source;
    }
    ++next_source;
  };

  for (const CompiledMapping& mapping : policy.many_to_one()) {
    if (trace.on()) trace_disabled_before(mapping.source);
    if (!mapping_matches(mapping, cert, trace)) continue;
    const ManyToOneMapping& winner = *mapping.source;
    if (winner.permission == Permission::allow) {
      admit(decision, winner.user, winner.name, "many-to-one mapping " + quoted(winner.name));
    } else {
      reject(decision, 403, 12, "denied by many-to-one mapping " + quoted(winner.name));
      decision.mapping = winner.name;  // the mapping that decided, also for a refusal
    }
    return true;
  }
  if (trace.on()) {
    if (source.many_to_one.empty()) {
      trace.add(TraceStep::Kind::mapping, "many-to-one", "none", false, "No many-to-one mappings are configured.");
    } else {
      trace_disabled_before(nullptr);
    }
  }
  return false;
}

// ---- result ----

void trace_result(const Decision& decision, Tracer& trace) {
  if (!trace.on()) return;
  if (!decision.cause.empty()) {
    trace.add(TraceStep::Kind::cause, decision.cause.id, decision.cause.text, false, cause_line(decision.cause));
  }
  std::string note;
  if (decision.would_refuse()) {
    note = "Would be refused with " + decision.status_text() + ": " + decision.reason +
           ". The block is report-only (enforce = false): the request goes on without an identity, and its log "
           "line says would_refuse=" + decision.status_text() + ".";
  } else if (!decision.admitted) {
    note = "Refused with " + decision.status_text() + ": " + decision.reason + ".";
  } else if (decision.identity.empty()) {
    note = "Admitted without an identity (anonymous).";
  } else {
    note = "Admitted as " + quoted(decision.identity) + " by " +
           (decision.mapping == kChainOnlyMapping ? std::string("the verified chain") : "mapping " + quoted(decision.mapping)) +
           ".";
  }
  trace.add(TraceStep::Kind::result, decision.status_text(), decision.identity, decision.admitted, std::move(note));
}

}  // namespace

Decision decide(const CompiledPolicy& policy, const CertDigest* cert, const VerifyResult& verify, bool want_trace) {
  Decision decision;
  decision.enforced = policy.enforced();
  Tracer trace(want_trace ? &decision.trace : nullptr);
  const ClientCertMode mode = policy.mode();

  // 1. Mode ignore: whatever the client sent does not exist for the decision.
  const CertDigest* presented = mode == ClientCertMode::ignore ? nullptr : cert;
  if (trace.on()) {
    trace.add(TraceStep::Kind::mode, "mode", std::string(to_string(mode)), presented != nullptr,
              mode_note(mode, cert != nullptr));
    const MappingMode mapping = mapping_mode(policy.source());
    std::string note = describe_mapping_mode(policy.source(), mode) + ".";
    if (note.front() >= 'a' && note.front() <= 'z') note.front() = static_cast<char>(note.front() - 'a' + 'A');
    trace.add(TraceStep::Kind::mapping_mode, "mapping mode", std::string(to_string(mapping)),
              mapping != MappingMode::none, std::move(note));
  }

  // 2. No certificate.
  if (presented == nullptr) {
    decision.verify = VerifyStatus::not_presented;
    if (trace.on()) {
      trace.add(TraceStep::Kind::verify, "verify", std::string(to_string(VerifyStatus::not_presented)), false,
                "No certificate to verify.");
    }
    if (mode == ClientCertMode::require) {
      reject(decision, 403, 7, "client certificate required");
    } else {
      decide_anonymous(policy, false, decision, trace);
    }
    trace_result(decision, trace);
    return decision;
  }

  // 3. A presented certificate must verify, in accept mode too (fail closed).
  decision.verify = verify.status;
  if (verify.status != VerifyStatus::ok) {
    const int substatus = verify_failure_substatus(verify.status);
    reject(decision, 403, substatus, verify_failure_reason(verify));
    decision.cause = one_line(verify.cause);  // computed by src/tls from the verification itself
    if (trace.on()) {
      trace.add(TraceStep::Kind::verify, "verify", std::string(to_string(verify.status)) + ": " + decision.reason,
                false, "The certificate chain did not verify (" + decision.reason + "), so it is refused with 403." +
                           std::to_string(substatus) + " before any mapping.");
    }
    trace_result(decision, trace);
    return decision;
  }
  if (trace.on()) {
    trace.add(TraceStep::Kind::verify, "verify", "ok", true,
              "The certificate chain verified against a configured trust anchor." +
                  (verify.warning.empty() ? std::string() : " " + escape_control_characters(verify.warning) + "."));
  }

  // 4. Mapping: chain-only when chosen; no mappings at all and not chosen gives no identity.
  if (policy.chain_only()) {
    decide_chain_only(*presented, decision, trace);
    trace_result(decision, trace);
    return decision;
  }
  if (!policy.source().has_mappings()) {
    decide_anonymous(policy, true, decision, trace);
    trace_result(decision, trace);
    return decision;
  }
  // The server fills sha256_hex once per handshake; hash here only if a caller did not.
  const std::string computed_fingerprint =
      presented->sha256_hex.empty() && !presented->der.empty() ? sha256_hex(presented->der) : std::string();
  const std::string& fingerprint = computed_fingerprint.empty() ? presented->sha256_hex : computed_fingerprint;

  if (!decide_one_to_one(policy, fingerprint, decision, trace) &&
      !decide_many_to_one(policy, *presented, decision, trace)) {
    decide_anonymous(policy, true, decision, trace);
    // The verdict is taken; for a refusal, say which mapping came nearest and why it missed.
    if (!decision.admitted) decision.cause = one_line(mapping_refusal_cause(policy, *presented, fingerprint));
  }
  trace_result(decision, trace);
  return decision;
}

}  // namespace certgate::core
