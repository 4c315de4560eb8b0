#include "tls/trust_store.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "tls/cert_loader.hpp"

namespace certgate::tls {
namespace {

namespace fs = std::filesystem;

bool has_certificate_extension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".pem" || ext == ".crt" || ext == ".cer" || ext == ".der";
}

// Every *.pem *.crt *.cer *.der regular file of a directory, sorted so that the load order is stable.
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

// The files a client_ca entry stands for: the file itself, or the certificate files of a directory.
std::vector<std::string> expand_client_ca(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return certificate_files_in(path);
  return {path};  // a missing file is reported by read_file with the system's reason
}

unsigned long verify_flags(bool have_crls) {
  // Every configured certificate is a trust anchor, self-signed or not: configuring an intermediate
  // means "trust what this CA issued", as the operator wrote.
  unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
  // With CRLs the leaf is checked against them. Fail-closed: once any CRL is configured, the issuer of
  // every client certificate must have a current CRL loaded, otherwise verification fails ("unable to
  // get certificate CRL", or "CRL has expired" once nextUpdate has passed) and the client is untrusted.
  if (have_crls) flags |= X509_V_FLAG_CRL_CHECK;
  return flags;
}

}  // namespace

std::shared_ptr<const TrustStore> TrustStore::load(const std::vector<std::string>& client_ca,
                                                   const std::vector<std::string>& crl, int verify_depth) {
  auto ts = std::shared_ptr<TrustStore>(new TrustStore());
  ts->verify_depth_ = verify_depth;
  ts->store_.reset(X509_STORE_new());
  if (!ts->store_) throw LoadError("trust store: " + take_openssl_errors());

  for (const std::string& entry : client_ca) {
    for (const std::string& file : expand_client_ca(entry)) {
      CertBundle bundle = load_cert_bundle(file);  // throws LoadError naming the file
      for (X509Ptr& cert : bundle.certs) {
        if (X509_STORE_add_cert(ts->store_.get(), cert.get()) != 1) {
          throw LoadError(file + ": certificate could not be added to the trust store: " + take_openssl_errors());
        }
        ts->anchors_.push_back(std::move(cert));
      }
    }
  }

  for (const std::string& file : crl) {
    for (X509CrlPtr& one : load_crls(file)) {
      if (X509_STORE_add_crl(ts->store_.get(), one.get()) != 1) {
        throw LoadError(file + ": CRL could not be added to the trust store: " + take_openssl_errors());
      }
      ts->crls_.push_back(std::move(one));
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
}

core::VerifyResult TrustStore::verify(X509* leaf, STACK_OF(X509) * untrusted, std::optional<std::time_t> at) const {
  if (leaf == nullptr) return core::VerifyResult{};  // not_presented

  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), leaf, untrusted) != 1) {
    core::VerifyResult r = classify_verify_error(X509_V_ERR_UNSPECIFIED, 0);
    r.reason = "verification could not start: " + take_openssl_errors();
    return r;
  }
  configure(ctx.get());
  if (at) X509_STORE_CTX_set_time(ctx.get(), 0, *at);

  int ret = X509_verify_cert(ctx.get());
  int code = X509_STORE_CTX_get_error(ctx.get());
  int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  ERR_clear_error();  // keep the thread's error queue clean for the next TLS operation
  if (ret == 1) return classify_verify_error(X509_V_OK, -1);
  if (code == X509_V_OK) code = X509_V_ERR_UNSPECIFIED;  // an internal failure never reads as success
  return classify_verify_error(code, depth);
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
