#pragma once
// The mapping lints of `certgate check`: findings that follow from a host block's mapping policy and
// mode alone (no certificate needed), so they are pure and unit-tested here. Certificate findings
// (trust anchors, server certificate, one-to-one chains) live in src/tls.
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/mapping_policy.hpp"

namespace certgate::core {

// What the lints need to know about the host block besides its mapping policy.
struct PolicyContext {
  std::string host;       // block label, for Finding::hosts
  SourcePos block_where;  // the block's [tls] / [[host]] table, for block-level findings
  SourcePos mode_where;   // what set the mode (TOML key, --mode, <access sslFlags>); empty = the default
  bool has_client_ca = false;
  Enforcement enforcement = Enforcement::enforce;
  SourcePos enforce_where;  // what set enforce = false (TOML key, --report-only); empty = the default
};

// Findings, in configuration order:
//   CG106 client certificates requested but no trust anchor;
//   CG201 anonymous with mode require; CG202 mode ignore with mappings; CG203 mode ignore, anonymous off;
//   CG208 anonymous with mode accept (requests without a certificate reach the origin);
//   CG209 report-only (enforce = false): nothing is refused;
//   CG207 no mappings and chain_only not set (no certificate gets an identity); CG204 mappings switched off; CG205 a rule that can never match; CG206 a '*' inside a match value;
//   CG211 a mapping shadowed by an earlier one; CG212 a duplicate mapping; CG213 a deny after an allow that
//   covers it. (A certificate mapped one-to-one twice is already refused by both loaders.)
std::vector<Finding> lint_policy(const MappingPolicy& policy, ClientCertMode mode, const PolicyContext& context);

// True when every value that `later` matches is also matched by `earlier` (same field, same attribute,
// a wider or equal wildcard). Rules with an unknown subfield cover nothing.
bool rule_covers(const MappingRule& earlier, const MappingRule& later);

// True when `earlier` matches every certificate that `later` matches: each rule of `earlier` covers
// some rule of `later` (a mapping with no rules matches every verified certificate).
bool mapping_covers(const ManyToOneMapping& earlier, const ManyToOneMapping& later);

// Why no certificate can satisfy this rule ("a country is exactly two letters"), or "" when some can.
std::string never_matches_reason(const MappingRule& rule);

}  // namespace certgate::core
