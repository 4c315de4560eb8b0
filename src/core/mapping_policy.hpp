#pragma once
// The configuration model of client-certificate mapping, with IIS semantics
// (iisClientCertificateMappingAuthentication + <access sslFlags>). Filled by src/config, compiled by
// CompiledPolicy, never mutated after load.
#include <string>
#include <vector>

#include "core/source_pos.hpp"

namespace certgate::core {

// IIS SSL Settings: Ignore / Accept / Require client certificates.
enum class ClientCertMode { ignore, accept, require };

// What a refusal does: refuses (the default), or, in report-only (TOML `enforce = false`, IIS has no such
// setting), lets the request through with the refusal it would have had in its log line
// (Decision::would_refuse). The verdict is the same either way.
enum class Enforcement { enforce, report_only };

enum class RuleField { subject, issuer };
enum class Permission { allow, deny };

struct MappingRule {
  RuleField field = RuleField::subject;
  std::string subfield;          // as written: CN OU O L S ST C E, or a dotted OID
  std::string match;             // IIS wildcard: exact, "abc*", "*abc", "*abc*", "*"
  bool case_sensitive = true;
  SourcePos where;
};

struct ManyToOneMapping {
  std::string name;
  std::string description;
  bool enabled = true;
  Permission permission = Permission::allow;
  std::string user;
  std::string password;  // kept opaque (IIS "[enc:...:enc]"); never needed
  std::vector<MappingRule> rules;
  SourcePos where;
};

struct OneToOneMapping {
  std::string name;      // optional label (IIS has none; import fills it from the user name)
  std::string der;       // the exact certificate, DER bytes
  std::string user;
  std::string password;  // opaque
  bool enabled = true;
  SourcePos where;
};

struct MappingPolicy {
  bool one_to_one_enabled = true;
  bool many_to_one_enabled = true;
  bool anonymous = false;  // admit requests that end with no mapped identity
  // Chosen explicitly (TOML `chain_only = true`, `serve --chain-only`; IIS has no such setting): no
  // mappings, and a certificate that verifies is admitted as its subject CN. Without it, a policy with
  // no mappings gives no certificate an identity (401.2, as IIS does).
  bool chain_only = false;
  std::vector<OneToOneMapping> one_to_one;
  std::vector<ManyToOneMapping> many_to_one;
  SourcePos where;  // the [mapping] table or the IIS section, for findings about the policy as a whole

  bool has_mappings() const { return !one_to_one.empty() || !many_to_one.empty(); }
};

std::string_view to_string(ClientCertMode m);
std::string_view to_string(RuleField f);
std::string_view to_string(Permission p);

}  // namespace certgate::core
