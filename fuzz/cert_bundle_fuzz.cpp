// libFuzzer driver: the certificate file reader, tls::parse_cert_bundle (PEM, DER, IIS base64 blob,
// PKCS#12), then tls::digest_of on every certificate it returns and a decision against each digest.
// LoadError is the one expected answer to bad input; anything else is a finding, and so is a digest
// whose fingerprint does not match its own DER or whose DER does not read back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/sha256.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace certgate;

core::MappingRule rule(core::RuleField field, std::string subfield, std::string match, bool case_sensitive) {
  core::MappingRule r;
  r.field = field;
  r.subfield = std::move(subfield);
  r.match = std::move(match);
  r.case_sensitive = case_sensitive;
  return r;
}

core::ManyToOneMapping mapping(std::string name, core::Permission permission, bool enabled,
                               std::vector<core::MappingRule> rules) {
  core::ManyToOneMapping m;
  m.name = std::move(name);
  m.user = permission == core::Permission::allow ? m.name + "-user" : "";
  m.permission = permission;
  m.enabled = enabled;
  m.rules = std::move(rules);
  return m;
}

// One policy with every kind of entry: a one-to-one pin of the Cloudflare leaf, a deny, a disabled
// mapping, wildcard rules of every shape, case-sensitive and not, on subject and issuer.
const core::CompiledPolicy& policy() {
  static const std::shared_ptr<const core::CompiledPolicy> compiled = [] {
    using core::Permission;
    using core::RuleField;
    core::MappingPolicy p;
    core::OneToOneMapping pin;
    pin.name = "cloudflare-leaf";
    pin.user = "edge";
    pin.der = fuzz::cloudflare_leaf().der;
    p.one_to_one.push_back(pin);
    p.many_to_one.push_back(mapping("deny-test", Permission::deny, true, {rule(RuleField::subject, "O", "*test*", false)}));
    p.many_to_one.push_back(mapping("disabled", Permission::allow, false, {rule(RuleField::subject, "CN", "*", true)}));
    p.many_to_one.push_back(mapping("cloudflare", Permission::allow, true,
                                    {rule(RuleField::subject, "CN", "*.CLOUDFLARE.NET", false),
                                     rule(RuleField::issuer, "ST", "Calif*", true)}));
    p.many_to_one.push_back(mapping("email", Permission::allow, true, {rule(RuleField::subject, "E", "*@*", true)}));
    p.many_to_one.push_back(mapping("by-oid", Permission::allow, true,
                                    {rule(RuleField::issuer, "2.5.4.3", "*ca*", false),
                                     rule(RuleField::subject, "C", "US", true)}));
    return core::CompiledPolicy::compile(std::move(p), core::ClientCertMode::require);
  }();
  return *compiled;
}

// Chain-only: the identity is the certificate's own CN, whatever bytes it holds.
const core::CompiledPolicy& chain_only_policy() {
  static const std::shared_ptr<const core::CompiledPolicy> compiled = [] {
    core::MappingPolicy p;
    p.chain_only = true;
    return core::CompiledPolicy::compile(std::move(p), core::ClientCertMode::require);
  }();
  return *compiled;
}

bool is_lower_hex(const std::string& text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void check_digest(X509* cert) {
  core::CertDigest digest = tls::digest_of(cert);
  fuzz::require(!digest.der.empty(), "a parsed certificate has no DER encoding");
  fuzz::require(digest.sha256_hex.size() == 64 && is_lower_hex(digest.sha256_hex),
                "sha256_hex is not 64 lowercase hex digits: '" + digest.sha256_hex + "'");
  fuzz::require(core::sha256_hex(digest.der) == digest.sha256_hex,
                "sha256_hex is not the SHA-256 of the digest's DER (one-to-one pins would never match)");
  fuzz::require(digest.sha1_hex.empty() || (digest.sha1_hex.size() == 40 && is_lower_hex(digest.sha1_hex)),
                "sha1_hex is malformed: '" + digest.sha1_hex + "'");

  // The DER certgate prints (`certgate cert`, IIS export) must read back as the same certificate.
  try {
    tls::CertBundle again = tls::parse_cert_bundle(digest.der, "re-encoded");
    fuzz::require(again.certs.size() == 1, "re-encoded DER reads back as " + std::to_string(again.certs.size()) +
                                               " certificates");
    fuzz::require(tls::to_der(again.certs.front().get()) == digest.der, "re-encoded DER changes when read back");
  } catch (const tls::LoadError& error) {
    fuzz::finding(std::string("re-encoded DER does not read back: ") + error.what());
  }

  core::VerifyResult ok{core::VerifyStatus::ok, 0, -1, ""};
  core::Decision decision = fuzz::decide_both_ways(policy(), &digest, ok);
  if (digest.der == fuzz::cloudflare_leaf().der) {
    fuzz::require(decision.admitted && decision.identity == "edge", "the pinned leaf was not admitted one-to-one");
  }
  // Whatever the CN holds, an admitted identity is a header-safe one (checked in decide_both_ways).
  fuzz::decide_both_ways(chain_only_policy(), &digest, ok);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  tls::CertBundle bundle;
  try {
    bundle = tls::parse_cert_bundle(bytes, "fuzz-input");
  } catch (const tls::LoadError&) {
    return 0;
  }
  fuzz::require(!bundle.certs.empty(), "parse_cert_bundle returned no certificate and no error");
  for (const tls::X509Ptr& cert : bundle.certs) {
    fuzz::require(cert != nullptr, "parse_cert_bundle returned a null certificate");
    check_digest(cert.get());
  }
  return 0;
}
