#include "tls/trust_store.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "core/time_text.hpp"
#include "tls/cert_info.hpp"
#include "tls/cert_loader.hpp"
#include "tls/chain_rules.hpp"
#include "tls/crl_rules.hpp"
#include "tls/digest.hpp"
#include "tls/openssl_io.hpp"
#include "tls/verify_cause.hpp"

namespace certgate::tls {
namespace {

namespace fs = std::filesystem;

bool has_certificate_extension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".pem" || ext == ".crt" || ext == ".cer" || ext == ".der" || ext == ".p7b" || ext == ".p7c";
}

// Every *.pem *.crt *.cer *.der *.p7b *.p7c regular file of a directory, sorted so that the load order is stable.
std::vector<std::string> certificate_files_in(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) throw LoadError(dir + ": " + ec.message());
  for (const fs::directory_entry& entry : it) {
    std::error_code type_ec;
    if (entry.is_regular_file(type_ec) && has_certificate_extension(entry.path())) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// {anyPolicy}, made once (OBJ_nid2obj's object is static, so the stack is never freed).
STACK_OF(ASN1_OBJECT) * any_policy() {
  static STACK_OF(ASN1_OBJECT)* const policies = [] {
    STACK_OF(ASN1_OBJECT)* s = sk_ASN1_OBJECT_new_null();
    if (s != nullptr) sk_ASN1_OBJECT_push(s, OBJ_nid2obj(NID_any_policy));
    return s;
  }();
  return policies;
}

// The files a client_ca entry stands for: the file itself, or the certificate files of a directory.
std::vector<std::string> expand_client_ca(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return certificate_files_in(path);
  return {path};  // a missing file is reported by read_file with the system's reason
}

// A client_ca file read as trust anchors, with the fix an operator of a trust store needs: no password can be
// given for client_ca, and a file that holds a private key is refused (a trust anchor is public data).
LoadError key_in_anchor_file(const std::string& file) {
  return LoadError(file + ": holds a private key next to the certificate; a trust anchor is public, and a private "
                          "key must never be given out (whoever has a CA's key can issue certificates this gateway "
                          "trusts)",
                   "give the CA certificate alone (openssl x509 -in " + file + " -out ca.pem); if the key is a "
                   "CA's, treat it as exposed");
}

CertBundle load_anchor_file(const std::string& file) {
  const std::string bytes = read_file(file);
  const bool pem_with_key = detail::looks_like_pem(bytes) && bytes.find("PRIVATE KEY-----") != std::string::npos;
  CertBundle bundle;
  try {
    bundle = parse_cert_bundle(bytes, file);
  } catch (const LoadError& e) {
    switch (e.cause()) {
      case LoadError::Cause::password_missing:
      case LoadError::Cause::password_wrong:
        if (pem_with_key) throw key_in_anchor_file(file);  // a certificate with its encrypted key
        throw e.with_fix("client_ca takes no password, and a trust anchor needs no private key: export the CA "
                         "certificates alone (openssl pkcs12 -in " + file + " -nokeys -cacerts -out ca.pem)");
      case LoadError::Cause::private_key:
        throw e.with_fix("give the certificate of the CA that issues the client certificates; a private key "
                         "must never be given out (if this one was, treat it as exposed and replace it)");
      default: throw;
    }
  }
  if (bundle.holds_private_key) throw key_in_anchor_file(file);
  return bundle;
}

// A leaf of a PKCS#7 bundle: Windows exports the whole certification path, the certificate itself included.
bool is_leaf(X509* cert) {
  const CertInfo info = cert_info(cert);
  return info.ca != true && !info.self_signed;
}

// The CRLs past their nextUpdate that the current thread's verify_chain() forgave (crl_expired = "warn"); null
// outside verify_chain() or when its store refuses them. X509_verify_cert() runs the verify callback on the
// calling thread, before it returns.
struct ExpiredCrls {
  std::vector<X509_CRL*> forgiven;
};
thread_local ExpiredCrls* forgiving_expired_crls = nullptr;

// "CRL expired: the CRL issued by 'CN=a' (file) passed its nextUpdate at ...; ...". No time relative to the check:
// a verified chain cache keeps the result, and with it this text, for later handshakes.
std::string expired_crl_warning(const TrustStore& trust, const std::vector<X509_CRL*>& forgiven) {
  std::string text;
  for (X509_CRL* crl : forgiven) {
    std::string file;
    for (std::size_t i = 0; i < trust.crls().size() && i < trust.crl_files().size(); ++i) {
      if (trust.crls()[i].get() == crl) file = trust.crl_files()[i];
    }
    const std::int64_t next = unix_seconds(X509_CRL_get0_nextUpdate(crl));
    const std::string one = "the CRL issued by '" + rfc4514_name(X509_CRL_get_issuer(crl)) + "'" +
                            (file.empty() ? "" : " (" + file + ")") + " passed its nextUpdate at " +
                            core::format_utc(next);
    if (text.find(one) == std::string::npos) text += (text.empty() ? "" : "; ") + one;
  }
  return "CRL expired: " + text + "; accepted because crl_expired = \"warn\" (the revocations it lists still apply)";
}

}  // namespace

std::shared_ptr<const TrustStore> TrustStore::load(const std::vector<std::string>& client_ca,
                                                   const std::vector<std::string>& crl, int verify_depth,
                                                   bool accept_expired_crls) {
  auto ts = std::shared_ptr<TrustStore>(new TrustStore());
  ts->verify_depth_ = verify_depth;
  ts->accept_expired_crls_ = accept_expired_crls;
  ts->store_.reset(X509_STORE_new());
  if (!ts->store_) throw LoadError("trust store: " + take_openssl_errors());

  for (const std::string& entry : client_ca) {
    for (const std::string& file : expand_client_ca(entry)) {
      CertBundle bundle = load_anchor_file(file);  // throws LoadError naming the file
      std::size_t kept = 0;
      std::string skipped;
      for (X509Ptr& cert : bundle.certs) {
        // A chain exported as .p7b: its CA certificates are the anchors; the leaf in it is not one (trusted as
        // an anchor it would be exempt from revocation and admit itself without its CA).
        if (bundle.pkcs7 && is_leaf(cert.get())) {
          skipped += (skipped.empty() ? "'" : ", '") + rfc4514_name(X509_get_subject_name(cert.get())) + "'";
          ts->skipped_.push_back(SkippedCert{file, std::move(cert)});
          continue;
        }
        ++kept;
        if (X509_STORE_add_cert(ts->store_.get(), cert.get()) != 1) {
          throw LoadError(file + ": certificate could not be added to the trust store: " + take_openssl_errors());
        }
        ts->anchors_.push_back(std::move(cert));
        ts->anchor_files_.push_back(file);
      }
      if (kept == 0) {
        throw LoadError(file + ": the PKCS#7 bundle holds no CA certificate, only the certificate " + skipped +
                            ", which is not a CA certificate (no basicConstraints CA:TRUE), so not a trust anchor",
                        "export the chain of a certificate this CA issued (Windows: \"Include all certificates in "
                        "the certification path\"), or the CA certificate itself");
      }
    }
  }

  for (const std::string& file : crl) {
    for (X509CrlPtr& one : load_crls(file)) {
      if (std::string defect = crl_defect(one.get()); !defect.empty()) {
        throw LoadError(file + ": the CRL issued by '" + rfc4514_name(X509_CRL_get_issuer(one.get())) + "' " + defect);
      }
      if (X509_STORE_add_crl(ts->store_.get(), one.get()) != 1) {
        throw LoadError(file + ": CRL could not be added to the trust store: " + take_openssl_errors());
      }
      ts->crls_.push_back(std::move(one));
      ts->crl_files_.push_back(file);
    }
  }

  X509_STORE_set_flags(ts->store_.get(), verify_flags(!ts->crls_.empty()));
  return ts;
}

void TrustStore::configure(X509_STORE_CTX* ctx) const {
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  // sslclient: a leaf with an extendedKeyUsage must list clientAuth (one without EKU is accepted), and
  // CA certificates in the chain must not exclude it either.
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT);
  X509_VERIFY_PARAM_set_trust(param, X509_TRUST_SSL_CLIENT);
  // OpenSSL's depth counts the intermediates between the leaf and the trust anchor (neither counted):
  // 0 = the leaf must be issued directly by an anchor. A negative value keeps OpenSSL's default (100).
  if (verify_depth_ >= 0) X509_VERIFY_PARAM_set_depth(param, verify_depth_);
  X509_VERIFY_PARAM_set_flags(param, verify_flags(!crls_.empty()));
  // RFC 5280 6.1.1 (c): the user-initial-policy-set is {anyPolicy}. Without it OpenSSL's policy check fails
  // every chain whose CA demands an explicit policy, even one the leaf carries.
  X509_VERIFY_PARAM_set1_policies(param, any_policy());
  X509_STORE_CTX_set_verify_cb(ctx, anchor_crl_exemption);
}

core::VerifyResult TrustStore::verify_chain(X509_STORE_CTX* ctx) const {
  configure(ctx);
  ExpiredCrls expired;
  if (accept_expired_crls_) forgiving_expired_crls = &expired;
  const int ret = X509_verify_cert(ctx);
  forgiving_expired_crls = nullptr;
  if (ret == 1) {
    const std::vector<RuleViolation> violations =
        chain_rule_violations(X509_STORE_CTX_get0_chain(ctx), X509_STORE_CTX_get_num_untrusted(ctx));
    if (violations.empty()) {
      core::VerifyResult ok = classify_verify_error(X509_V_OK, -1);
      if (!expired.forgiven.empty()) ok.warning = expired_crl_warning(*this, expired.forgiven);
      return ok;
    }
    const RuleViolation& first = violations.front();
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
    X509_STORE_CTX_set_error_depth(ctx, first.depth);
    X509_STORE_CTX_set_current_cert(ctx, sk_X509_value(X509_STORE_CTX_get0_chain(ctx), first.depth));
    core::VerifyResult r = classify_verify_error(X509_V_ERR_APPLICATION_VERIFICATION, first.depth);
    r.reason = first.reason();
    r.cause = rule_violation_cause(first);
    return r;
  }
  int code = X509_STORE_CTX_get_error(ctx);
  if (code == X509_V_OK) {  // an internal failure never reads as success
    code = X509_V_ERR_UNSPECIFIED;
    X509_STORE_CTX_set_error(ctx, code);
  }
  core::VerifyResult r = classify_verify_error(code, X509_STORE_CTX_get_error_depth(ctx));
  // Say whose CRL it is: the one of the issuer of the certificate being checked (certgate loads no indirect CRLs).
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  if (cert != nullptr && code == X509_V_ERR_UNABLE_TO_GET_CRL) {
    r.reason += ": no CRL issued by '" + rfc4514_name(X509_get_issuer_name(cert)) + "' is loaded";
  } else if (cert != nullptr && code == X509_V_ERR_CRL_HAS_EXPIRED) {
    // Said as the operator looks for it (crl_expired, "CRL expired" in the docs), not OpenSSL's "CRL has expired".
    r.reason = "CRL expired (the CRL issued by '" + rfc4514_name(X509_get_issuer_name(cert)) + "' is past its nextUpdate)";
  } else if (cert != nullptr && is_crl_error(code)) {
    r.reason += " (the CRL issued by '" + rfc4514_name(X509_get_issuer_name(cert)) + "')";
  }
  // Only refusals get here: the operator's cause is worth a few lookups.
  r.cause = verify_cause(ctx, *this, code, r.depth);
  return r;
}

core::VerifyResult TrustStore::verify(X509* leaf, STACK_OF(X509) * untrusted, std::optional<std::time_t> at) const {
  if (leaf == nullptr) return core::VerifyResult{};  // not_presented

  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), leaf, untrusted) != 1) {
    core::VerifyResult r = classify_verify_error(X509_V_ERR_UNSPECIFIED, 0);
    r.reason = "verification could not start: " + take_openssl_errors();
    return r;
  }
  if (at) X509_STORE_CTX_set_time(ctx.get(), 0, *at);
  core::VerifyResult r = verify_chain(ctx.get());
  ERR_clear_error();  // keep the thread's error queue clean for the next TLS operation
  return r;
}

bool TrustStore::is_revoked(X509* cert) const {
  if (cert == nullptr) return false;
  const X509_NAME* issuer = X509_get_issuer_name(cert);
  for (const X509CrlPtr& crl : crls_) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), issuer) != 0) continue;
    X509_REVOKED* entry = nullptr;
    // 1 = listed; 2 = listed as removeFromCRL (a delta CRL un-revoking it), which is not revoked.
    if (X509_CRL_get0_by_cert(crl.get(), &entry, cert) == 1) return true;
  }
  return false;
}

unsigned long verify_flags(bool have_crls) {
  // Every configured certificate is a trust anchor, self-signed or not: configuring an intermediate
  // means "trust what this CA issued", as the operator wrote.
  unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
  // RFC 5280 conformance beyond OpenSSL's defaults (docs/security.md has the list): basicConstraints of a
  // CA critical and CA:TRUE, keyUsage in CAs, no keyCertSign in a leaf, key identifiers, ...
  flags |= X509_V_FLAG_X509_STRICT;
  // RFC 5280 6.1 policy processing: a CA's requireExplicitPolicy / inhibitAnyPolicy are obeyed.
  flags |= X509_V_FLAG_POLICY_CHECK;
  // With CRLs every certificate of the chain is checked, not only the leaf: a revoked intermediate refuses
  // what it issued (403.13). Fail closed: once any CRL is configured, each CA that issued a certificate of
  // the chain must have a current CRL loaded, otherwise verification fails ("unable to get certificate CRL",
  // or "CRL has expired" once nextUpdate has passed) and the client is untrusted (403.16). Only a trust
  // anchor needs none for itself (anchor_crl_exemption).
  if (have_crls) flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
  return flags;
}

int anchor_crl_exemption(int ok, X509_STORE_CTX* ctx) {
  if (ok == 1) return ok;
  if (X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CRL_HAS_EXPIRED && forgiving_expired_crls != nullptr) {
    // crl_expired = "warn": OpenSSL goes on to check the certificate against this CRL (ossl_x509_check_crl_time
    // runs before cert_crl), so a revocation it lists still refuses.
    if (X509_CRL* crl = X509_STORE_CTX_get0_current_crl(ctx)) forgiving_expired_crls->forgiven.push_back(crl);
    X509_STORE_CTX_set_error(ctx, X509_V_OK);
    return 1;
  }
  if (X509_STORE_CTX_get_error(ctx) != X509_V_ERR_UNABLE_TO_GET_CRL) return ok;
  // The chain's first num_untrusted certificates came from the client; the others from the trust store.
  if (X509_STORE_CTX_get_error_depth(ctx) < X509_STORE_CTX_get_num_untrusted(ctx)) return ok;
  // An anchor whose issuer is not in the trust store: OpenSSL cannot use (or verify) a CRL of that issuer.
  // If the operator loaded one that lists the anchor, the anchor is revoked all the same: the file is
  // configuration, and refusing on it is the safe side.
  X509* anchor = X509_STORE_CTX_get_current_cert(ctx);
  bool listed = false;
  if (anchor != nullptr) {
    STACK_OF(X509_CRL)* crls = X509_STORE_CTX_get1_crls(ctx, X509_get_issuer_name(anchor));
    for (int i = 0; crls != nullptr && i < sk_X509_CRL_num(crls) && !listed; ++i) {
      X509_REVOKED* entry = nullptr;
      listed = X509_CRL_get0_by_cert(sk_X509_CRL_value(crls, i), &entry, anchor) == 1;
    }
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
  }
  if (listed) {
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_REVOKED);
    return 0;
  }
  X509_STORE_CTX_set_error(ctx, X509_V_OK);
  return 1;
}

core::VerifyResult classify_verify_error(int code, int depth) {
  core::VerifyResult r;
  r.code = code;
  r.depth = code == X509_V_OK ? -1 : depth;
  r.reason = X509_verify_cert_error_string(code);
  switch (code) {
    case X509_V_OK: r.status = core::VerifyStatus::ok; break;
    case X509_V_ERR_CERT_HAS_EXPIRED: r.status = core::VerifyStatus::expired; break;
    case X509_V_ERR_CERT_NOT_YET_VALID: r.status = core::VerifyStatus::not_yet_valid; break;
    case X509_V_ERR_CERT_REVOKED: r.status = core::VerifyStatus::revoked; break;
    // Only a certificate's own validity window is expired/not-yet-valid. An unreadable time field, a
    // stale or future CRL, and everything else mean the chain cannot be trusted.
    default: r.status = core::VerifyStatus::untrusted; break;
  }
  return r;
}

}  // namespace certgate::tls
