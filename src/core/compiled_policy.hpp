#pragma once
// A MappingPolicy compiled once at load into an immutable matcher structure: one-to-one certificates
// indexed by SHA-256 (a hash lookup, not a scan), many-to-one rules with their subfield resolved to an
// OID and their IIS wildcard pre-split. Shared read-only by every worker.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/cert_digest.hpp"
#include "core/mapping_policy.hpp"

namespace certgate::core {

// An IIS wildcard, pre-split: exact "abc", prefix "abc*", suffix "*abc", contains "*abc*", any "*".
// A '*' anywhere else is a literal character.
struct WildcardPattern {
  enum class Kind { exact, prefix, suffix, contains, any };
  Kind kind = Kind::exact;
  std::string text;  // the literal part; lower-cased when !case_sensitive
  bool case_sensitive = true;

  static WildcardPattern parse(std::string_view pattern, bool case_sensitive);
  bool matches(std::string_view value) const;
};

struct CompiledRule {
  RuleField field;
  std::string oid;    // resolved dotted OID
  std::string label;  // "subject.CN" as written, for traces
  WildcardPattern pattern;
  const MappingRule* source;  // points into CompiledPolicy::source()
};

struct CompiledMapping {
  const ManyToOneMapping* source;
  std::vector<CompiledRule> rules;
};

// Reads a one-to-one mapping's certificate (DER) into a digest; src/tls provides it (tls::digest_of_der), the
// core cannot parse certificates. nullopt when the bytes are not a certificate.
using CertDescriber = std::function<std::optional<CertDigest>(const std::string& der)>;

// What is known of one configured one-to-one mapping's certificate, for the diagnosis of a refusal (a
// reissued certificate that no longer matches its mapping): never used to decide.
struct OneToOneFacts {
  const OneToOneMapping* mapping;  // points into CompiledPolicy::source()
  std::string sha256_hex;          // of the mapping's DER ("" when it has none)
  std::optional<CertDigest> cert;  // names, serial, validity (no DER); only when compile() had a describer
};

class CompiledPolicy {
 public:
  // Throws std::invalid_argument (the message names the element and its position) on an unknown subfield,
  // on chain_only together with mappings, and on a user or mapping name with a control character (they
  // are sent upstream in headers; the loaders refuse all of these first, with file:line:column).
  // `describe`, when given, reads each one-to-one certificate for one_to_one_facts().
  static std::shared_ptr<const CompiledPolicy> compile(MappingPolicy policy, ClientCertMode mode,
                                                       const CertDescriber& describe = nullptr,
                                                       Enforcement enforcement = Enforcement::enforce);

  // Not copyable: the index and the compiled rules point into source_.
  CompiledPolicy(const CompiledPolicy&) = delete;
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;

  const MappingPolicy& source() const { return source_; }
  ClientCertMode mode() const { return mode_; }
  // False in report-only (enforce = false): refusals are let through and logged.
  bool enforced() const { return enforcement_ == Enforcement::enforce; }
  // True only when chain-only was chosen (MappingPolicy::chain_only): a verified chain is enough,
  // identity = subject CN. A policy that merely has no mappings gives no certificate an identity.
  bool chain_only() const { return source_.chain_only; }

  // Enabled one-to-one mapping for this certificate's SHA-256 (lowercase hex), or null.
  const OneToOneMapping* find_one_to_one(const std::string& sha256_hex) const;
  const std::vector<CompiledMapping>& many_to_one() const { return many_to_one_; }
  // Every configured one-to-one mapping (enabled or not), in order.
  const std::vector<OneToOneFacts>& one_to_one_facts() const { return one_to_one_facts_; }

 private:
  CompiledPolicy() = default;
  MappingPolicy source_;
  ClientCertMode mode_ = ClientCertMode::require;
  Enforcement enforcement_ = Enforcement::enforce;
  std::unordered_map<std::string, const OneToOneMapping*> one_to_one_by_sha256_;
  std::vector<CompiledMapping> many_to_one_;  // enabled mappings only, in order
  std::vector<OneToOneFacts> one_to_one_facts_;
};

// Subfield name (IIS CN OU O L S C E, ST alias, also emailAddress) or dotted OID -> dotted OID.
// Returns "" when the name is unknown. Case-insensitive for names.
std::string subfield_oid(std::string_view subfield);

}  // namespace certgate::core
