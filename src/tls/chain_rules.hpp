#pragma once
// certgate's own certificate rules: RFC 5280 requirements that OpenSSL 3.0 does not enforce even with
// X509_V_FLAG_X509_STRICT. They run on a chain OpenSSL has verified (leaf first, trust anchor last), in
// TrustStore::verify_chain(), which the server's handshake, `certgate explain` and `certgate check` all use.
// docs/security.md lists every rule with its reason.
#include <string>
#include <vector>

#include <openssl/x509.h>

namespace certgate::tls {

struct RuleViolation {
  std::string rule;     // short name, e.g. "version-3"
  std::string section;  // where the requirement comes from, e.g. "RFC 5280 4.1.2.1"
  int depth = 0;        // the certificate that breaks it (0 = the client's certificate)
  std::string subject;  // its subject, RFC 4514
  std::string detail;   // what is wrong, in a sentence

  // "certificate rule 'version-3' (RFC 5280 4.1.2.1) refuses the certificate at depth 0 (CN=a): ..."
  std::string reason() const;
};

// Every violation of the verified `chain`, leaf first. The first `num_untrusted` certificates are the ones
// the client sent (X509_STORE_CTX_get_num_untrusted); the rest come from the trust store.
std::vector<RuleViolation> chain_rule_violations(STACK_OF(X509) * chain, int num_untrusted);

// The name syntax that name constraints can be applied to (exposed for the tests).
namespace names {
// A host name in RFC 1034/1123 preferred syntax: labels of letters, digits, '-' (not first or last) and
// '_' (as OpenSSL tolerates), 1..63 octets each, at most 253 in all, no empty label, no trailing dot.
// allow_wildcard: a first label "*" is accepted (what a dNSName constraint compares as a suffix).
bool is_host_name(const std::string& text, bool allow_wildcard);
// local@domain, one '@' (unless the local part is quoted), printable ASCII, domain a host name.
bool is_mailbox(const std::string& text);
// The host of a URI as OpenSSL's name-constraint code takes it: after "scheme://", up to the next ':', or
// else the next '/'. "" when the URI has no "://".
std::string uri_host(const std::string& uri);
}  // namespace names

}  // namespace certgate::tls
