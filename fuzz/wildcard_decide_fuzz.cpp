// libFuzzer driver: IIS wildcards (core::WildcardPattern) and the decision core. The input is split
// into option bits, a pattern, a value and certificate bytes. Every pattern is checked in both case modes
// against a plain reference reading of the IIS rule, then a policy with one many-to-one rule is decided
// against a certificate digest built from the input, and the verdict checked against what the rule says.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/ascii.hpp"
#include "core/sha256.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace certgate;
using core::WildcardPattern;

// The IIS rule read literally: stars at the start and/or end of the pattern are wildcards (a run of
// them counts as one), any other star is a literal; a pattern of stars only matches everything.
bool reference_match(std::string_view pattern, std::string_view value, bool case_sensitive) {
  std::string p = case_sensitive ? std::string(pattern) : core::ascii::lower_copy(pattern);
  std::string v = case_sensitive ? std::string(value) : core::ascii::lower_copy(value);
  if (!p.empty() && p.find_first_not_of('*') == std::string::npos) return true;
  std::size_t begin = 0;
  while (begin < p.size() && p[begin] == '*') ++begin;
  std::size_t end = p.size();
  while (end > begin && p[end - 1] == '*') --end;
  const std::string literal = p.substr(begin, end - begin);
  const bool star_before = begin > 0;
  const bool star_after = end < p.size();
  if (star_before && star_after) return v.find(literal) != std::string::npos;
  if (star_before) return v.size() >= literal.size() && v.compare(v.size() - literal.size(), literal.size(), literal) == 0;
  if (star_after) return v.compare(0, literal.size(), literal) == 0;
  return v == literal;
}

void check_wildcard(const std::string& pattern, const std::string& value) {
  const WildcardPattern sensitive = WildcardPattern::parse(pattern, true);
  const WildcardPattern folded = WildcardPattern::parse(pattern, false);
  const bool s = sensitive.matches(value);
  const bool f = folded.matches(value);
  fuzz::require(s == reference_match(pattern, value, true), "case-sensitive '" + pattern + "' vs '" + value + "'");
  fuzz::require(f == reference_match(pattern, value, false), "case-insensitive '" + pattern + "' vs '" + value + "'");
  fuzz::require(!s || f, "matches case-sensitively but not ignoring case: '" + pattern + "' vs '" + value + "'");
  // A pattern read literally always matches itself.
  fuzz::require(sensitive.matches(pattern) && folded.matches(pattern), "'" + pattern + "' does not match itself");
  std::string upper = value;
  for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  fuzz::require(folded.matches(upper) == f, "ignoring case, '" + pattern + "' treats '" + value + "' and '" + upper +
                                               "' differently");
}

constexpr std::array<const char*, 10> kSubfields = {"CN", "cn", "OU", "O", "L", "S", "ST", "C", "E", "emailAddress"};
constexpr std::array<core::ClientCertMode, 3> kModes = {core::ClientCertMode::ignore, core::ClientCertMode::accept,
                                                        core::ClientCertMode::require};
constexpr std::array<core::VerifyStatus, 6> kVerify = {core::VerifyStatus::not_presented, core::VerifyStatus::ok,
                                                       core::VerifyStatus::untrusted,     core::VerifyStatus::expired,
                                                       core::VerifyStatus::not_yet_valid, core::VerifyStatus::revoked};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const std::uint8_t options = input.ConsumeIntegral<std::uint8_t>();
  const std::uint8_t choices = input.ConsumeIntegral<std::uint8_t>();
  std::string pattern = input.ConsumeRandomLengthString(256);
  std::string value = input.ConsumeRandomLengthString(256);
  // Either a named subfield or a dotted OID (or anything else) taken from the input.
  std::string subfield = (options & 0x80) ? input.ConsumeRandomLengthString(32) : kSubfields[choices % kSubfields.size()];
  std::string der = input.ConsumeRemainingBytesAsString();

  check_wildcard(pattern, value);

  const bool case_sensitive = options & 0x01;
  const core::RuleField field = (options & 0x02) ? core::RuleField::issuer : core::RuleField::subject;
  const core::Permission permission = (options & 0x04) ? core::Permission::deny : core::Permission::allow;
  const bool anonymous = options & 0x08;
  const bool pinned = options & 0x10;  // a one-to-one mapping holds exactly these certificate bytes
  const bool fingerprint_known = options & 0x20;
  const core::ClientCertMode mode = kModes[(choices / 16) % kModes.size()];
  const core::VerifyStatus verify_status = kVerify[(choices / 48) % kVerify.size()];

  core::MappingPolicy source;
  source.anonymous = anonymous;
  core::ManyToOneMapping many;
  many.name = "fuzz";
  many.user = "fuzz-user";
  many.permission = permission;
  many.rules.push_back(core::MappingRule{field, subfield, pattern, case_sensitive, {}});
  source.many_to_one.push_back(many);
  if (pinned && !der.empty()) {
    core::OneToOneMapping one;
    one.name = "pin";
    one.user = "pinned-user";
    one.der = der;
    source.one_to_one.push_back(one);
  }

  const std::string oid = core::subfield_oid(subfield);
  std::shared_ptr<const core::CompiledPolicy> policy;
  try {
    policy = core::CompiledPolicy::compile(std::move(source), mode);
  } catch (const std::invalid_argument&) {
    fuzz::require(oid.empty(), "compile() refused subfield '" + subfield + "', which resolves to " + oid);
    return 0;
  }
  fuzz::require(!oid.empty(), "compile() accepted unknown subfield '" + subfield + "'");

  // The rule's attribute holds the value, next to others that must not count: the same value under
  // another OID, and on the other name (subject vs issuer) the pattern itself.
  core::CertDigest cert;
  core::DistinguishedName& ruled = field == core::RuleField::subject ? cert.subject : cert.issuer;
  core::DistinguishedName& other = field == core::RuleField::subject ? cert.issuer : cert.subject;
  const std::string decoy_oid = oid == "2.5.4.5" ? "2.5.4.4" : "2.5.4.5";
  ruled.attributes.push_back({decoy_oid, "decoy", pattern + "-decoy"});
  ruled.attributes.push_back({oid, subfield, value});
  other.attributes.push_back({oid, subfield, pattern});
  cert.der = der;
  if (fingerprint_known && !der.empty()) cert.sha256_hex = core::sha256_hex(der);

  const core::VerifyResult verify{verify_status, verify_status == core::VerifyStatus::ok ? 0 : 20, -1, ""};
  const core::Decision decision = fuzz::decide_both_ways(*policy, &cert, verify);

  if (mode == core::ClientCertMode::ignore) {
    fuzz::require(decision.admitted == anonymous, "mode ignore: " + decision.status_text());
    return 0;
  }
  if (verify_status != core::VerifyStatus::ok) {
    fuzz::require(!decision.admitted && decision.status == 403, "unverified certificate: " + decision.status_text());
    return 0;
  }
  if (pinned && !der.empty()) {
    fuzz::require(decision.admitted && decision.identity == "pinned-user", "pinned certificate: " + decision.status_text());
    return 0;
  }
  const bool rule_holds = reference_match(pattern, value, case_sensitive);
  if (rule_holds && permission == core::Permission::allow) {
    fuzz::require(decision.admitted && decision.identity == "fuzz-user", "matching allow rule: " + decision.status_text());
  } else if (rule_holds) {
    fuzz::require(decision.status == 403 && decision.substatus == 12 && decision.mapping == "fuzz",
                  "matching deny rule: " + decision.status_text() + " by '" + decision.mapping + "'");
  } else {
    fuzz::require(decision.admitted == anonymous && (anonymous || decision.substatus == 2),
                  "rule does not hold: " + decision.status_text());
  }
  return 0;
}
