#include "tls/verify_cause.hpp"

#include <ctime>
#include <string>
#include <vector>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "core/time_text.hpp"
#include "tls/cert_info.hpp"
#include "tls/digest.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls {
namespace {

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// What OpenSSL verified at: the time set on the context (explain --at), else now.
std::time_t verification_time(X509_STORE_CTX* ctx) {
  const X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  if (param != nullptr && (X509_VERIFY_PARAM_get_flags(const_cast<X509_VERIFY_PARAM*>(param)) & X509_V_FLAG_USE_CHECK_TIME) != 0) {
    return X509_VERIFY_PARAM_get_time(param);
  }
  return std::time(nullptr);
}

std::string key_id_text(const ASN1_OCTET_STRING* id) {
  if (id == nullptr) return "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text;
  const unsigned char* bytes = ASN1_STRING_get0_data(id);
  for (int i = 0; i < ASN1_STRING_length(id); ++i) {
    if (i > 0) text += ':';
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 0x0f];
  }
  return text;
}

struct Failing {
  X509* cert = nullptr;
  int depth = 0;
  int num_untrusted = 0;  // the first num_untrusted certificates of the chain came from the client
  std::string subject;
  std::string issuer;
};

Failing failing_certificate(X509_STORE_CTX* ctx, int depth) {
  Failing f;
  f.depth = depth < 0 ? 0 : depth;
  f.num_untrusted = X509_STORE_CTX_get_num_untrusted(ctx);
  f.cert = X509_STORE_CTX_get_current_cert(ctx);
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  if (f.cert == nullptr && chain != nullptr && f.depth < sk_X509_num(chain)) f.cert = sk_X509_value(chain, f.depth);
  if (f.cert == nullptr) f.cert = X509_STORE_CTX_get0_cert(ctx);
  if (f.cert != nullptr) {
    f.subject = rfc4514_name(X509_get_subject_name(f.cert));
    f.issuer = rfc4514_name(X509_get_issuer_name(f.cert));
  }
  return f;
}

bool from_trust_store(const Failing& f) { return f.depth > 0 && f.depth >= f.num_untrusted; }

// "the client certificate 'CN=a'", "the CA certificate 'CN=b' the client sent (depth 1)", "the trust anchor ...".
std::string who(const Failing& f) {
  if (f.depth == 0) return "the client certificate " + quoted(f.subject);
  if (from_trust_store(f)) return "the trust anchor " + quoted(f.subject) + " (client_ca, depth " + std::to_string(f.depth) + ")";
  return "the CA certificate " + quoted(f.subject) + " the client sent (depth " + std::to_string(f.depth) + ")";
}

// The loaded CRLs issued by the CA that issued `cert` (what OpenSSL looks for), with their files.
struct CrlOf {
  X509_CRL* crl;
  std::string file;
};
std::vector<CrlOf> crls_for(const TrustStore& trust, X509* cert) {
  std::vector<CrlOf> found;
  if (cert == nullptr) return found;
  const X509_NAME* issuer = X509_get_issuer_name(cert);
  for (std::size_t i = 0; i < trust.crls().size(); ++i) {
    X509_CRL* crl = trust.crls()[i].get();
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), issuer) == 0) {
      found.push_back(CrlOf{crl, i < trust.crl_files().size() ? trust.crl_files()[i] : ""});
    }
  }
  return found;
}

std::string crl_issuers(const TrustStore& trust) {
  std::string names;
  for (const X509CrlPtr& crl : trust.crls()) {
    const std::string name = quoted(rfc4514_name(X509_CRL_get_issuer(crl.get())));
    if (names.find(name) != std::string::npos) continue;
    names += (names.empty() ? "" : ", ") + name;
  }
  return names.empty() ? "none" : names;
}

std::string in_file(const std::string& file) { return file.empty() ? "" : " (" + file + ")"; }

// The CRL a time error is about: the context's current CRL, else the first loaded one of that issuer.
CrlOf crl_in_question(X509_STORE_CTX* ctx, const std::vector<CrlOf>& candidates) {
  if (X509_CRL* current = X509_STORE_CTX_get0_current_crl(ctx)) {
    for (const CrlOf& c : candidates) {
      if (X509_CRL_cmp(c.crl, current) == 0 && X509_CRL_match(c.crl, current) == 0) return c;
    }
    return CrlOf{current, ""};
  }
  return candidates.empty() ? CrlOf{nullptr, ""} : candidates.front();
}

// The key identifier in a CRL's authorityKeyIdentifier, "" when it has none.
std::string crl_key_id(X509_CRL* crl) {
  auto* aki = static_cast<AUTHORITY_KEYID*>(X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, nullptr, nullptr));
  if (aki == nullptr) {
    ERR_clear_error();
    return "";
  }
  std::string id = key_id_text(aki->keyid);
  AUTHORITY_KEYID_free(aki);
  return id;
}

// The subject key id of the CA that issued the failing certificate (the next in the chain), "" when unknown.
std::string issuer_key_id(X509_STORE_CTX* ctx, const Failing& f) {
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  if (chain == nullptr || f.depth + 1 >= sk_X509_num(chain)) return "";
  return key_id_text(X509_get0_subject_key_id(sk_X509_value(chain, f.depth + 1)));
}

// A trust anchor with the issuer's name but another key: the CA was re-keyed and client_ca holds its old certificate.
core::Cause anchor_with_another_key(const TrustStore& trust, const Failing& f, const std::string& key_id) {
  for (const X509Ptr& anchor : trust.anchors()) {
    if (X509_NAME_cmp(X509_get_subject_name(anchor.get()), X509_get_issuer_name(f.cert)) != 0) continue;
    const std::string anchor_key = key_id_text(X509_get0_subject_key_id(anchor.get()));
    core::Cause cause;
    cause.id = "anchor_with_another_key";
    cause.text = "client_ca has a CA named " + quoted(f.issuer) + ", but " + who(f) + " was signed by another key of " +
                 "that name" + (key_id.empty() ? "" : " (authority key id " + key_id + ")") + " than the one in client_ca" +
                 (anchor_key.empty() ? "" : " (key id " + anchor_key + ")") +
                 ": the CA was renewed with a new key, or it is another CA with the same name";
    cause.fix = "add the CA certificate with the new key to client_ca (keep the old one while clients still have "
                "certificates from it), or have the client send the intermediate that issued its certificate";
    return cause;
  }
  return {};
}

core::Cause missing_issuer(X509_STORE_CTX* ctx, const TrustStore& trust, const Failing& f) {
  const std::string key_id = key_id_text(X509_get0_authority_key_id(f.cert));
  if (core::Cause renewed = anchor_with_another_key(trust, f, key_id); !renewed.empty()) return renewed;
  const std::string issuer = quoted(f.issuer) + (key_id.empty() ? "" : " (authority key id " + key_id + ")");
  // The CA certificates the client sent: the untrusted ones less the leaf (which the handshake's context counts).
  STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(ctx);
  X509* leaf = X509_STORE_CTX_get0_cert(ctx);
  int sent_count = 0;
  for (int i = 0; sent != nullptr && i < sk_X509_num(sent); ++i) {
    if (leaf == nullptr || X509_cmp(sk_X509_value(sent, i), leaf) != 0) ++sent_count;
  }
  core::Cause cause;
  cause.id = "missing_issuer";
  cause.text = "the issuer of " + who(f) + " is missing: " + issuer + " is not in client_ca, and " +
               (sent_count == 0 ? std::string("the client sent only its own certificate, not that CA")
                                : "none of the " + std::to_string(sent_count) + " CA certificate" +
                                      (sent_count == 1 ? "" : "s") + " the client sent is that CA");
  // The missing issuer may be an intermediate (the client should send it) or a root nobody configured.
  cause.fix = "if " + quoted(f.issuer) + " is an intermediate CA, send the full chain from the client (its certificate "
              "followed by that intermediate) or add the intermediate to client_ca; if it is the root CA you mean to "
              "trust, add it to client_ca; if it is not a CA of yours, the refusal is right";
  return cause;
}

core::Cause wrong_purpose(const Failing& f) {
  const CertInfo info = cert_info(f.cert);
  core::Cause cause;
  cause.id = "eku_not_client_auth";
  bool has_client_auth = info.eku.empty();
  std::string usages;
  for (const std::string& usage : info.eku) {
    if (usage == "clientAuth" || usage == "anyExtendedKeyUsage") has_client_auth = true;
    const std::string long_name = eku_long_name(usage);
    usages += (usages.empty() ? "" : ", ") + usage + (long_name.empty() || long_name == usage ? "" : " (" + long_name + ")");
  }
  if (!has_client_auth) {
    cause.text = who(f) + " is not issued for client authentication: its extendedKeyUsage is " + usages +
                 ", without clientAuth (TLS Web Client Authentication)";
    cause.fix = f.depth == 0 ? "present a certificate issued for client authentication (extendedKeyUsage clientAuth, "
                               "1.3.6.1.5.5.7.3.2); a server certificate cannot serve as a client certificate"
                             : "the client needs a certificate from a CA whose extendedKeyUsage allows clientAuth";
    return cause;
  }
  // OpenSSL's sslclient purpose also wants digitalSignature or keyAgreement in a leaf's keyUsage.
  cause.id = "key_usage_not_client_auth";
  cause.text = who(f) + " cannot be used for TLS client authentication: its keyUsage allows neither "
               "digitalSignature nor keyAgreement" + (usages.empty() ? "" : " (extendedKeyUsage " + usages + ")");
  cause.fix = "present a certificate issued for client authentication (keyUsage digitalSignature, extendedKeyUsage clientAuth)";
  return cause;
}

core::Cause validity(X509_STORE_CTX* ctx, const Failing& f, bool expired) {
  const std::int64_t at = verification_time(ctx);
  core::Cause cause;
  if (expired) {
    const std::int64_t not_after = unix_seconds(X509_get0_notAfter(f.cert));
    cause.id = "expired";
    cause.text = who(f) + " expired at " + core::format_utc(not_after) + ", " + core::duration_text(at - not_after) +
                 " before the time it was checked (" + core::format_utc(at) + ")";
    cause.fix = f.depth == 0 ? "the client must present its renewed certificate (a one-to-one mapping holding the old "
                               "one must be updated too); if it was renewed, the client still sends the old one"
                : from_trust_store(f) ? "replace the expired CA certificate in client_ca with its renewal"
                                      : "the client must send the renewed intermediate CA certificate with its own";
    // OpenSSL reports the expired certificate nearest the anchor; a renewed CA alone will not help a client
    // whose own certificate has expired too (an old certificate under an old CA), so say that as well.
    X509* leaf = X509_STORE_CTX_get0_cert(ctx);
    if (f.depth > 0 && leaf != nullptr && leaf != f.cert) {
      const std::int64_t leaf_not_after = unix_seconds(X509_get0_notAfter(leaf));
      if (leaf_not_after < at) {
        cause.text += "; the client certificate itself expired too, at " + core::format_utc(leaf_not_after);
        cause.fix += ", and the client must present its renewed certificate";
      }
    }
    return cause;
  }
  const std::int64_t not_before = unix_seconds(X509_get0_notBefore(f.cert));
  cause.id = "not_yet_valid";
  cause.text = who(f) + " is not valid yet: it becomes valid at " + core::format_utc(not_before) + ", " +
               core::duration_text(not_before - at) + " after the time it was checked (" + core::format_utc(at) + ")";
  cause.fix = "check the clocks: the signer's (the CA or tool that issued it, which may run ahead) and this gateway's "
              "(it read " + core::format_utc(at) + "); if both are right, the certificate can only be used from " +
              core::format_utc(not_before);
  return cause;
}

core::Cause revoked(const TrustStore& trust, const Failing& f) {
  core::Cause cause;
  cause.id = "revoked";
  cause.text = who(f) + " is revoked";
  for (const CrlOf& c : crls_for(trust, f.cert)) {
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(c.crl, &entry, f.cert) != 1 || entry == nullptr) continue;
    cause.text += ": the CRL of " + quoted(f.issuer) + in_file(c.file) + " lists its serial " +
                  digest_of(f.cert).serial_hex + " as revoked at " +
                  core::format_utc(unix_seconds(X509_REVOKED_get0_revocationDate(entry)));
    break;
  }
  cause.fix = f.depth == 0 ? "the client needs a new certificate; if the revocation is a mistake, the CA must publish a "
                             "CRL without it"
                           : "every certificate that CA issued is refused: the client needs a certificate from a CA "
                             "that is not revoked";
  return cause;
}

core::Cause crl_problem(X509_STORE_CTX* ctx, const TrustStore& trust, const Failing& f, int code) {
  const std::vector<CrlOf> crls = crls_for(trust, f.cert);
  const std::string ca = quoted(f.issuer);
  const std::string certificate = "(it issued " + quoted(f.subject) + ", depth " + std::to_string(f.depth) + ")";
  const std::int64_t at = verification_time(ctx);
  core::Cause cause;
  switch (code) {
    case X509_V_ERR_UNABLE_TO_GET_CRL:
      cause.id = "crl_missing";
      if (crls.empty()) {
        cause.text = "no CRL of the CA " + ca + " is loaded " + certificate +
                     ", and once CRLs are configured every CA of the chain needs a current one; the loaded CRLs are "
                     "from " + crl_issuers(trust);
      } else if (const std::string crl_key = crl_key_id(crls.front().crl), ca_key = issuer_key_id(ctx, f);
                 !crl_key.empty() && !ca_key.empty() && crl_key != ca_key) {
        cause.id = "crl_wrong_issuer";
        cause.text = "the CRL that names the CA " + ca + " as its issuer" + in_file(crls.front().file) +
                     " was signed by another key (its authority key id " + crl_key + ", the CA's key id " + ca_key +
                     "): it is the CRL of another CA with the same name, so " + quoted(f.subject) + " has no CRL";
        cause.fix = "replace it with the CRL that " + ca + " publishes (its authority key id must be " + ca_key + ")";
        return cause;
      } else {
        cause.text = "the CRL of the CA " + ca + in_file(crls.front().file) + " does not cover " + quoted(f.subject) +
                     " (another scope, e.g. CA certificates only), and once CRLs are configured every CA of the "
                     "chain needs a current one";
      }
      cause.fix = "add the CRL that " + ca + " publishes to crl (an intermediate CA's own CRL, next to the root's)";
      return cause;
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID: {
      const CrlOf c = crl_in_question(ctx, crls);
      const bool expired = code == X509_V_ERR_CRL_HAS_EXPIRED;
      cause.id = expired ? "crl_expired" : "crl_not_yet_valid";
      cause.text = "the CRL of the CA " + ca + in_file(c.file) + " ";
      if (expired) {
        const std::int64_t next = c.crl != nullptr ? unix_seconds(X509_CRL_get0_nextUpdate(c.crl)) : 0;
        cause.text += "is out of date: its nextUpdate was " + core::format_utc(next) + ", " +
                      core::duration_text(at - next) + " before the time of the check (" + core::format_utc(at) +
                      "), so the revocation of the certificates it covers is unknown";
        cause.fix = "refresh the CRL file: download the current CRL of " + ca +
                    " and replace the file (serve reads it again within [limits] crl_check_interval, or at a "
                    "reload); automate it before each nextUpdate";
      } else {
        const std::int64_t last = c.crl != nullptr ? unix_seconds(X509_CRL_get0_lastUpdate(c.crl)) : 0;
        cause.text += "is not valid yet: its lastUpdate is " + core::format_utc(last) + ", " +
                      core::duration_text(last - at) + " after the time of the check (" + core::format_utc(at) + ")";
        cause.fix = "check the clocks of the CA that issued the CRL and of this gateway (it read " + core::format_utc(at) +
                    ")";
      }
      return cause;
    }
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE: {
      const CrlOf c = crl_in_question(ctx, crls);
      cause.id = "crl_bad_signature";
      cause.text = "the CRL that names the CA " + ca + in_file(c.file) +
                   " as its issuer is not signed by that CA's key: it is another CA's CRL with the same name, or a "
                   "damaged file";
      cause.fix = "replace it with the CRL that " + ca + " publishes";
      return cause;
    }
    default:
      cause.id = "crl_unusable";
      cause.text = "the CRL of the CA " + ca + " cannot be used: " + X509_verify_cert_error_string(code);
      cause.fix = "replace it with a current CRL that " + ca + " publishes";
      return cause;
  }
}

}  // namespace

core::Cause verify_cause(X509_STORE_CTX* ctx, const TrustStore& trust, int code, int depth) {
  const Failing f = failing_certificate(ctx, depth);
  if (f.cert == nullptr) {
    return core::Cause{"verification_failed", std::string("verification failed: ") + X509_verify_cert_error_string(code),
                       "certgate explain --cert shows the chain and every problem"};
  }
  if (is_crl_error(code)) return crl_problem(ctx, trust, f, code);
  switch (code) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      return missing_issuer(ctx, trust, f);
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return core::Cause{"self_signed",
                         "the client certificate " + quoted(f.subject) +
                             " is self-signed and not in client_ca: anyone can make a certificate with that name",
                         "present a certificate issued by a CA in client_ca (add this one to client_ca only if it is "
                         "really yours)"};
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return core::Cause{"untrusted_root",
                         "the chain the client sent ends at the root CA " + quoted(f.subject) +
                             ", which is not in client_ca",
                         "add that root to client_ca if it is the CA of your clients; otherwise the certificate is "
                         "not one of yours"};
    case X509_V_ERR_INVALID_PURPOSE:
      return wrong_purpose(f);
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return validity(ctx, f, true);
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return validity(ctx, f, false);
    case X509_V_ERR_CERT_REVOKED:
      return revoked(trust, f);
    case X509_V_ERR_UNABLE_TO_GET_CRL:
      return crl_problem(ctx, trust, f, code);
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
      return core::Cause{"chain_too_long",
                         "the chain has more CA certificates between the client certificate and its trust anchor than "
                         "verify_depth = " + std::to_string(trust.verify_depth()) + " allows",
                         "raise [tls] verify_depth, or put the intermediate CA closest to the client in client_ca"};
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return core::Cause{"bad_signature",
                         "the signature on " + who(f) + " does not verify with the key of its issuer " +
                             quoted(f.issuer) + ": it comes from another CA with the same name, or was altered",
                         "present a certificate issued by the CA in client_ca (compare the issuer's key id with "
                         "certgate cert show)"};
    default:
      return core::Cause{"verification_failed",
                         who(f) + " fails verification: " + X509_verify_cert_error_string(code),
                         "certgate explain --cert shows the chain and every problem OpenSSL found"};
  }
}

core::Cause rule_violation_cause(const RuleViolation& violation) {
  const std::string what = violation.depth == 0 ? "the client certificate" : "the CA certificate at depth " +
                                                                                std::to_string(violation.depth);
  return core::Cause{"certificate_rule",
                     what + " " + quoted(violation.subject) + " breaks " + violation.section + " (certgate rule " +
                         quoted(violation.rule) + "): " + violation.detail,
                     "the CA must issue a certificate that conforms to RFC 5280 (docs/security.md lists the rules)"};
}

bool is_crl_error(int code) {
  switch (code) {
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
      return true;
    default:
      return false;
  }
}

}  // namespace certgate::tls
