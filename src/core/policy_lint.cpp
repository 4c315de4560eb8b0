// Mapping lints. Each finding says what the server (decide()) would do differently from what the
// configuration seems to say, so each one follows IIS's evaluation order: one-to-one first, then the
// enabled many-to-one mappings in order, the first match deciding.
#include "core/policy_lint.hpp"

#include <algorithm>

#include "core/ascii.hpp"
#include "core/compiled_policy.hpp"
#include "core/mapping_mode.hpp"

namespace certgate::core {
namespace {

constexpr std::string_view kCountryOid = "2.5.4.6";

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string rule_label(const MappingRule& rule) {
  return std::string(to_string(rule.field)) + "." + rule.subfield + " = \"" + rule.match + "\"";
}

// Where a mapping is, for "(at file:line:col)" in messages about another one.
std::string at(const SourcePos& where) {
  const std::string text = where.to_string();
  return text.empty() ? std::string() : " (" + text + ")";
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

bool has_upper_or_lower(std::string_view text, bool upper) {
  return std::any_of(text.begin(), text.end(), [upper](char c) { return upper ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z'); });
}

// The literal part of a pattern between its leading and trailing stars.
std::string_view literal_of(std::string_view match) {
  const std::size_t first = match.find_first_not_of('*');
  if (first == std::string_view::npos) return {};
  const std::size_t last = match.find_last_not_of('*');
  return match.substr(first, last - first + 1);
}

bool has_letters(std::string_view text) { return has_upper_or_lower(text, true) || has_upper_or_lower(text, false); }

// ---- covering ----

bool literal_covers(WildcardPattern::Kind earlier, std::string_view a, WildcardPattern::Kind later, std::string_view b) {
  using Kind = WildcardPattern::Kind;
  if (earlier == Kind::any) return true;
  if (later == Kind::any) return false;
  switch (earlier) {
    case Kind::exact: return later == Kind::exact && a == b;
    case Kind::prefix: return (later == Kind::exact || later == Kind::prefix) && b.starts_with(a);
    case Kind::suffix: return (later == Kind::exact || later == Kind::suffix) && b.ends_with(a);
    case Kind::contains: return b.find(a) != std::string_view::npos;
    case Kind::any: return true;
  }
  return false;
}

// ---- rules that cannot match ----

struct NeverMatches {
  std::string reason;  // "" when some certificate can match
  std::string fix;
};

NeverMatches never_matches(const MappingRule& rule) {
  if (rule.match.empty()) return {"an empty value matches only an attribute that is empty", "use \"*\" to match any value"};
  if (subfield_oid(rule.subfield) != kCountryOid) return {};
  const WildcardPattern pattern = WildcardPattern::parse(rule.match, rule.case_sensitive);
  if (pattern.kind == WildcardPattern::Kind::any) return {};
  const std::size_t size = pattern.text.size();
  if (pattern.kind == WildcardPattern::Kind::exact ? size != 2 : size > 2) {
    return {"a country (C) is exactly two letters, and \"" + rule.match + "\" cannot be one",
            "use the two-letter ISO 3166 code, e.g. \"US\""};
  }
  if (rule.case_sensitive && has_upper_or_lower(pattern.text, false)) {
    return {"country codes in certificates are upper case, and the rule is case-sensitive",
            "write it in upper case, e.g. \"US\", or set case_sensitive = false"};
  }
  return {};
}

// ---- findings ----

Finding make(std::string code, const SourcePos& where, const PolicyContext& context, std::string message,
             std::string fix) {
  Finding finding;
  finding.code = std::move(code);
  finding.severity = Severity::warning;
  finding.where = where;
  if (!context.host.empty()) finding.hosts.push_back(context.host);
  finding.message = std::move(message);
  finding.fix = std::move(fix);
  return finding;
}

const SourcePos& rule_where(const MappingRule& rule, const ManyToOneMapping& mapping) {
  return rule.where.to_string().empty() ? mapping.where : rule.where;
}

void lint_mode(const MappingPolicy& policy, ClientCertMode mode, const PolicyContext& context,
               std::vector<Finding>& out) {
  // Findings about the mode point at what set it (an IIS sslFlags attribute, say), else at the block.
  const SourcePos& mode_at = context.mode_where.to_string().empty() ? context.block_where : context.mode_where;
  const std::size_t mappings = policy.one_to_one.size() + policy.many_to_one.size();
  if (mode != ClientCertMode::ignore && !context.has_client_ca) {
    out.push_back(make("CG106", context.block_where, context,
                       std::string("mode ") + std::string(to_string(mode)) +
                           " but no client_ca: no client certificate can verify, so every presented certificate is "
                           "refused with 403.16" +
                           (mode == ClientCertMode::require ? " and a missing one with 403.7" : ""),
                       "add the CA that issues the edge's client certificates to client_ca (--client-ca)"));
  }
  if (policy.anonymous && mode == ClientCertMode::require) {
    out.push_back(make("CG201", mode_at, context,
                       "anonymous = true with mode require: a certificate is required, yet every verified certificate "
                       "that no mapping matches is admitted without an identity",
                       "set anonymous = false, or mode = \"accept\" if requests without a certificate are meant to pass"));
  }
  if (policy.anonymous && mode == ClientCertMode::accept) {
    out.push_back(make("CG208", mode_at, context,
                       "mode accept with anonymous = true (IIS: sslFlags SslNegotiateCert without SslRequireCert, "
                       "and anonymousAuthentication enabled; nginx: ssl_verify_client optional): a request "
                       "without a client certificate reaches the origin, with no identity (X-Client-Verify: NONE), "
                       "so anyone who can connect gets through without one",
                       "set mode = \"require\" (IIS: sslFlags=\"Ssl, SslNegotiateCert, SslRequireCert\"), or "
                       "anonymous = false (IIS: <anonymousAuthentication enabled=\"false\" />) to refuse them "
                       "with 401.2"));
  }
  if (context.enforcement == Enforcement::report_only) {
    const SourcePos& where = context.enforce_where.to_string().empty() ? context.block_where : context.enforce_where;
    out.push_back(make("CG209", where, context,
                       "report-only (enforce = false): every request is decided, but one the decision refuses still "
                       "reaches the origin (without an identity; its access-log line says would_refuse=STATUS), so "
                       "this block turns no one away",
                       "run certgate report on the access log, and set enforce = true (remove --report-only) once "
                       "it says \"safe to enforce\""));
  }
  if (mode == ClientCertMode::ignore && mappings > 0) {
    out.push_back(make("CG202", mode_at, context,
                       "mode ignore (IIS: sslFlags without SslNegotiateCert, e.g. \"Ssl\" alone or \"None\"): no "
                       "client certificate is requested, so the " +
                           plural(mappings, "mapping", "mappings") + " of this block " +
                           (mappings == 1 ? "never applies" : "never apply") + ", and " +
                           (policy.anonymous ? std::string("every request reaches the origin without an identity "
                                                           "(anonymous = true)")
                                             : std::string("every request is refused with 401.2")),
                       "set mode = \"require\" (IIS: sslFlags=\"Ssl, SslNegotiateCert, SslRequireCert\"; "
                       "\"Ssl, SslNegotiateCert\" for accept) or remove the mappings"));
  }
  if (mode != ClientCertMode::ignore && mapping_mode(policy) == MappingMode::none) {
    const SourcePos& where = policy.where.to_string().empty() ? context.block_where : policy.where;
    out.push_back(make("CG207", where, context,
                       std::string("no mappings are configured and chain_only is not set: no certificate gets an "
                                   "identity, so every certificate that verifies is ") +
                           (policy.anonymous ? "admitted without an identity (anonymous = true)" : "refused with 401.2"),
                       "add a mapping ([[mapping.many_to_one]], [[mapping.one_to_one]], or an <add> in the IIS "
                       "section), or set chain_only = true in [mapping] (serve --chain-only) to admit every "
                       "certificate that chains to client_ca, as its subject CN"));
  }
  if (mode == ClientCertMode::ignore && !policy.anonymous) {
    out.push_back(make("CG203", mode_at, context,
                       "mode ignore with anonymous access off: no certificate is requested and no identity can be "
                       "mapped, so every request is refused with 401.2",
                       "set anonymous = true to serve without client certificates, or mode = \"require\""));
  }
}

void lint_switches(const MappingPolicy& policy, const PolicyContext& context, std::vector<Finding>& out) {
  if (!policy.one_to_one_enabled && !policy.one_to_one.empty()) {
    out.push_back(make("CG204", policy.one_to_one.front().where, context,
                       "one-to-one mappings are switched off, so the " +
                           plural(policy.one_to_one.size(), "one-to-one mapping", "one-to-one mappings") +
                           " never apply",
                       "set one_to_one_enabled = true (IIS: enabled=\"true\" and "
                       "oneToOneCertificateMappingsEnabled=\"true\") or remove them"));
  }
  if (!policy.many_to_one_enabled && !policy.many_to_one.empty()) {
    out.push_back(make("CG204", policy.many_to_one.front().where, context,
                       "many-to-one mappings are switched off, so the " +
                           plural(policy.many_to_one.size(), "many-to-one mapping", "many-to-one mappings") +
                           " never apply",
                       "set many_to_one_enabled = true (IIS: enabled=\"true\" and "
                       "manyToOneCertificateMappingsEnabled=\"true\") or remove them"));
  }
}

void lint_rules(const ManyToOneMapping& mapping, const PolicyContext& context, std::vector<Finding>& out) {
  for (const MappingRule& rule : mapping.rules) {
    if (subfield_oid(rule.subfield).empty()) {
      Finding finding = make("CG001", rule_where(rule, mapping), context,
                             "mapping " + quoted(mapping.name) + ": unknown subfield " + quoted(rule.subfield),
                             "use CN, OU, O, L, S, ST, C, E, emailAddress or a dotted OID such as 2.5.4.3");
      finding.severity = Severity::error;
      out.push_back(std::move(finding));
      continue;
    }
    if (NeverMatches never = never_matches(rule); !never.reason.empty()) {
      out.push_back(make("CG205", rule_where(rule, mapping), context,
                         "mapping " + quoted(mapping.name) + " can never match: rule " + rule_label(rule) + ": " +
                             never.reason,
                         never.fix));
    }
    const std::string_view literal = literal_of(rule.match);
    if (literal.find('*') != std::string_view::npos) {
      out.push_back(make("CG206", rule_where(rule, mapping), context,
                         "rule " + rule_label(rule) + " of mapping " + quoted(mapping.name) +
                             ": a '*' inside the value is a literal character (IIS wildcards are a '*' at the start "
                             "and/or the end only), so it matches only values that contain a '*'",
                         "write \"prefix*\", \"*suffix\" or \"*part*\", or use two rules"));
    }
  }
}

void lint_order(const MappingPolicy& policy, const PolicyContext& context, std::vector<Finding>& out) {
  std::vector<const ManyToOneMapping*> enabled;
  for (const ManyToOneMapping& mapping : policy.many_to_one) {
    if (mapping.enabled) enabled.push_back(&mapping);
  }
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    const ManyToOneMapping& later = *enabled[i];
    for (std::size_t j = 0; j < i; ++j) {
      const ManyToOneMapping& earlier = *enabled[j];
      if (!mapping_covers(earlier, later)) continue;
      const std::string earlier_text = "mapping " + quoted(earlier.name) + at(earlier.where);
      const std::string how = earlier.rules.empty() ? " has no rules, so it matches every verified certificate"
                                                    : " comes first and matches every certificate it would match";
      if (earlier.permission == Permission::allow && later.permission == Permission::deny) {
        out.push_back(make("CG213", later.where, context,
                           "deny mapping " + quoted(later.name) + " never applies: allow " + earlier_text + how +
                               " and admits it as user " + quoted(earlier.user) + " (the first match decides)",
                           "move " + quoted(later.name) + " before " + quoted(earlier.name)));
      } else if (mapping_covers(later, earlier)) {
        out.push_back(make("CG212", later.where, context,
                           "mapping " + quoted(later.name) + " duplicates " + earlier_text +
                               ": both match the same certificates, so " + quoted(later.name) + " never applies",
                           "remove one of them"));
      } else {
        out.push_back(make("CG211", later.where, context,
                           "mapping " + quoted(later.name) + " never applies: " + earlier_text + how,
                           "move " + quoted(later.name) + " before " + quoted(earlier.name) + ", make " +
                               quoted(earlier.name) + " stricter, or remove " + quoted(later.name)));
      }
      break;  // one finding per shadowed mapping: the first mapping that hides it
    }
  }
}

}  // namespace

bool rule_covers(const MappingRule& earlier, const MappingRule& later) {
  if (earlier.field != later.field) return false;
  const std::string oid = subfield_oid(earlier.subfield);
  if (oid.empty() || oid != subfield_oid(later.subfield)) return false;
  const WildcardPattern a = WildcardPattern::parse(earlier.match, earlier.case_sensitive);
  if (a.kind == WildcardPattern::Kind::any) return true;
  const WildcardPattern b = WildcardPattern::parse(later.match, later.case_sensitive);
  if (a.case_sensitive) {
    // A case-sensitive pattern covers a case-insensitive one only when case cannot matter.
    if (!b.case_sensitive && has_letters(b.text)) return false;
    return literal_covers(a.kind, a.text, b.kind, b.text);
  }
  // `a` compares lower-cased values: compare it with `b`'s literal lower-cased too.
  return literal_covers(a.kind, a.text, b.kind, ascii::lower_copy(b.text));
}

bool mapping_covers(const ManyToOneMapping& earlier, const ManyToOneMapping& later) {
  return std::all_of(earlier.rules.begin(), earlier.rules.end(), [&](const MappingRule& rule) {
    return std::any_of(later.rules.begin(), later.rules.end(),
                       [&](const MappingRule& other) { return rule_covers(rule, other); });
  });
}

std::string never_matches_reason(const MappingRule& rule) { return never_matches(rule).reason; }

std::vector<Finding> lint_policy(const MappingPolicy& policy, ClientCertMode mode, const PolicyContext& context) {
  std::vector<Finding> out;
  lint_mode(policy, mode, context, out);
  lint_switches(policy, context, out);
  for (const ManyToOneMapping& mapping : policy.many_to_one) lint_rules(mapping, context, out);
  if (policy.many_to_one_enabled) lint_order(policy, context, out);
  return out;
}

}  // namespace certgate::core
