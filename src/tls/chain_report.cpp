#include "tls/chain_report.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "tls/chain_rules.hpp"
#include "tls/digest.hpp"

namespace certgate::tls {
namespace {

// The report being filled by the verify callback of the current thread's verification.
thread_local ChainReport* current_report = nullptr;

int collect_problem(int ok, X509_STORE_CTX* ctx) {
  ok = anchor_crl_exemption(ok, ctx);  // what the real verification forgives is no problem here either
  if (ok == 1 || current_report == nullptr) return ok;
  ChainProblem problem;
  problem.code = X509_STORE_CTX_get_error(ctx);
  problem.depth = X509_STORE_CTX_get_error_depth(ctx);
  problem.reason = X509_verify_cert_error_string(problem.code);
  if (X509* cert = X509_STORE_CTX_get_current_cert(ctx)) problem.subject = digest_of(cert).subject.rfc4514;
  current_report->problems.push_back(std::move(problem));
  return 1;  // go on, to see every problem (the verdict is not taken from this run)
}

bool is_anchor(const TrustStore& trust, X509* cert) {
  for (const X509Ptr& anchor : trust.anchors()) {
    if (X509_cmp(anchor.get(), cert) == 0) return true;
  }
  return false;
}

}  // namespace

ChainReport chain_report(const TrustStore& trust, X509* leaf, STACK_OF(X509) * untrusted, std::time_t at) {
  ChainReport report;
  if (leaf == nullptr) return report;
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), trust.store(), leaf, untrusted) != 1) {
    ERR_clear_error();
    return report;
  }
  trust.configure(ctx.get());
  X509_STORE_CTX_set_time(ctx.get(), 0, at);
  X509_STORE_CTX_set_verify_cb(ctx.get(), collect_problem);
  current_report = &report;
  X509_verify_cert(ctx.get());
  current_report = nullptr;

  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    X509* cert = sk_X509_value(chain, i);
    const core::CertDigest digest = digest_of(cert);
    report.chain.push_back(ChainLink{i, digest.subject.rfc4514, digest.issuer.rfc4514, digest.not_before,
                                     digest.not_after, is_anchor(trust, cert)});
  }
  // certgate's own rules, as verify_chain() applies them once OpenSSL is satisfied.
  for (const RuleViolation& v : chain_rule_violations(chain, X509_STORE_CTX_get_num_untrusted(ctx.get()))) {
    report.problems.push_back(ChainProblem{v.depth, X509_V_ERR_APPLICATION_VERIFICATION, v.reason(), v.subject, v.rule});
  }
  ERR_clear_error();
  return report;
}

}  // namespace certgate::tls
