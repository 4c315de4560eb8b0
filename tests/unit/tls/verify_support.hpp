#pragma once
// Shared by the verification tests: a trust store from generated certificates, and what OpenSSL 3.0 makes of
// a chain with its defaults, to show what certgate refuses beyond them.
#include <memory>
#include <string>
#include <vector>

#include <openssl/x509_vfy.h>

#include "test_pki.hpp"
#include "tls/trust_store.hpp"

namespace certgate::tls::testpki {

inline std::shared_ptr<const TrustStore> store_with(TempDir& dir, const std::vector<const Issued*>& anchors,
                                                    const std::vector<X509_CRL*>& crls = {}) {
  static int counter = 0;
  std::vector<std::string> ca_files, crl_files;
  for (const Issued* a : anchors) {
    ca_files.push_back(dir.write("anchor" + std::to_string(counter++) + ".pem", pem_of(a->cert.get())));
  }
  for (X509_CRL* c : crls) crl_files.push_back(dir.write("list" + std::to_string(counter++) + ".crl", pem_of(c)));
  return TrustStore::load(ca_files, crl_files, 4);
}

// X509_V_OK or the error of X509_verify_cert with certgate's parameters less X509_V_FLAG_X509_STRICT and
// X509_V_FLAG_POLICY_CHECK, and without certgate's own rules: OpenSSL 3.0's default verification.
inline int openssl_default(const TrustStore& ts, X509* leaf, const std::vector<X509*>& sent = {}) {
  X509StackPtr untrusted = stack_of(sent);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), ts.store(), leaf, untrusted.get()) != 1) return X509_V_ERR_UNSPECIFIED;
  ts.configure(ctx.get());
  X509_VERIFY_PARAM_clear_flags(X509_STORE_CTX_get0_param(ctx.get()),
                                X509_V_FLAG_X509_STRICT | X509_V_FLAG_POLICY_CHECK);
  const int ret = X509_verify_cert(ctx.get());
  return ret == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
}

inline core::VerifyResult certgate_verify(const TrustStore& ts, X509* leaf, const std::vector<X509*>& sent = {}) {
  X509StackPtr untrusted = stack_of(sent);
  return ts.verify(leaf, untrusted.get());
}

}  // namespace certgate::tls::testpki
