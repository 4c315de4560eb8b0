#pragma once
// Hand-built certificate digests and policies for the core's unit tests: the core never sees a real
// certificate, only the digest src/tls extracts, so these are exactly what it works on.
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/cert_digest.hpp"
#include "core/compiled_policy.hpp"
#include "core/decision.hpp"
#include "core/mapping_policy.hpp"
#include "core/sha256.hpp"
#include "core/verify_result.hpp"

namespace certgate::core::test_support {

// (short name or dotted OID, value), most significant RDN first.
using Attributes = std::vector<std::pair<std::string, std::string>>;

inline std::string oid_for_test(const std::string& short_name) {
  // Written out independently of subfield_oid(), so the tests do not check the code against itself.
  static const std::vector<std::pair<std::string, std::string>> kKnown = {
      {"CN", "2.5.4.3"}, {"OU", "2.5.4.11"}, {"O", "2.5.4.10"}, {"L", "2.5.4.7"},
      {"ST", "2.5.4.8"}, {"C", "2.5.4.6"},   {"emailAddress", "1.2.840.113549.1.9.1"},
  };
  for (const auto& [name, oid] : kKnown) {
    if (name == short_name) return oid;
  }
  return short_name;  // already a dotted OID
}

inline DistinguishedName make_name(const Attributes& attributes) {
  DistinguishedName name;
  for (const auto& [short_name, value] : attributes) {
    name.attributes.push_back(DnAttribute{oid_for_test(short_name), short_name, value});
  }
  // RFC 4514 lists the least significant RDN first.
  for (auto it = attributes.rbegin(); it != attributes.rend(); ++it) {
    if (!name.rfc4514.empty()) name.rfc4514 += ",";
    name.rfc4514 += it->first + "=" + it->second;
  }
  return name;
}

// A digest whose "DER" is a stand-in byte string; its SHA-256 is what compile() indexes one-to-one by.
inline CertDigest make_digest(const Attributes& subject, const Attributes& issuer = {{"CN", "Test CA"}},
                              std::string der = "") {
  CertDigest digest;
  digest.subject = make_name(subject);
  digest.issuer = make_name(issuer);
  digest.der = der.empty() ? "DER:" + digest.subject.rfc4514 + "/" + digest.issuer.rfc4514 : std::move(der);
  digest.sha256_hex = sha256_hex(digest.der);
  return digest;
}

inline MappingRule rule(RuleField field, std::string subfield, std::string match, bool case_sensitive = true,
                        SourcePos where = {}) {
  MappingRule r;
  r.field = field;
  r.subfield = std::move(subfield);
  r.match = std::move(match);
  r.case_sensitive = case_sensitive;
  r.where = std::move(where);
  return r;
}

inline MappingRule subject(std::string subfield, std::string match, bool case_sensitive = true) {
  return rule(RuleField::subject, std::move(subfield), std::move(match), case_sensitive);
}

inline MappingRule issuer(std::string subfield, std::string match, bool case_sensitive = true) {
  return rule(RuleField::issuer, std::move(subfield), std::move(match), case_sensitive);
}

inline ManyToOneMapping allow(std::string name, std::string user, std::vector<MappingRule> rules,
                              bool enabled = true) {
  ManyToOneMapping m;
  m.name = std::move(name);
  m.user = std::move(user);
  m.permission = Permission::allow;
  m.rules = std::move(rules);
  m.enabled = enabled;
  return m;
}

inline ManyToOneMapping deny(std::string name, std::vector<MappingRule> rules, bool enabled = true) {
  ManyToOneMapping m;
  m.name = std::move(name);
  m.permission = Permission::deny;
  m.rules = std::move(rules);
  m.enabled = enabled;
  return m;
}

inline OneToOneMapping one_to_one(std::string name, const CertDigest& cert, std::string user, bool enabled = true) {
  OneToOneMapping m;
  m.name = std::move(name);
  m.der = cert.der;
  m.user = std::move(user);
  m.enabled = enabled;
  return m;
}

inline VerifyResult verified() { return VerifyResult{VerifyStatus::ok, 0, -1, ""}; }

inline VerifyResult failed(VerifyStatus status, int code, int depth, std::string reason) {
  return VerifyResult{status, code, depth, std::move(reason)};
}

inline std::shared_ptr<const CompiledPolicy> compile(MappingPolicy policy,
                                                     ClientCertMode mode = ClientCertMode::require) {
  return CompiledPolicy::compile(std::move(policy), mode);
}

// A policy with only many-to-one mappings.
inline MappingPolicy many_to_one_policy(std::vector<ManyToOneMapping> mappings, bool anonymous = false) {
  MappingPolicy policy;
  policy.many_to_one = std::move(mappings);
  policy.anonymous = anonymous;
  return policy;
}

// Decides for a verified certificate.
inline Decision decide_verified(const MappingPolicy& policy, const CertDigest& cert,
                                ClientCertMode mode = ClientCertMode::require) {
  const auto compiled = compile(policy, mode);
  return decide(*compiled, &cert, verified());
}

}  // namespace certgate::core::test_support
