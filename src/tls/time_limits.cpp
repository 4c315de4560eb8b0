#include "tls/time_limits.hpp"

#include <openssl/ssl.h>

#include "tls/digest.hpp"

namespace certgate::tls {

std::vector<core::TimeLimit> time_limits(const ServerTls& tls) {
  std::vector<core::TimeLimit> out;
  for (const auto& host : tls.hosts()) {
    const std::string& block = host->policy.name;
    if (X509* leaf = SSL_CTX_get0_certificate(host->ctx.get())) {
      out.push_back(core::TimeLimit{core::TimeLimit::Kind::server, block, rfc4514_name(X509_get_subject_name(leaf)),
                                    host->policy.tls.cert_file, unix_seconds(X509_get0_notAfter(leaf))});
    }
    const TrustStore& trust = *host->trust;
    for (std::size_t i = 0; i < trust.anchors().size(); ++i) {
      X509* anchor = trust.anchors()[i].get();
      out.push_back(core::TimeLimit{core::TimeLimit::Kind::anchor, block, rfc4514_name(X509_get_subject_name(anchor)),
                                    i < trust.anchor_files().size() ? trust.anchor_files()[i] : "",
                                    unix_seconds(X509_get0_notAfter(anchor))});
    }
    for (std::size_t i = 0; i < trust.crls().size(); ++i) {
      X509_CRL* crl = trust.crls()[i].get();
      out.push_back(core::TimeLimit{core::TimeLimit::Kind::crl, block, rfc4514_name(X509_CRL_get_issuer(crl)),
                                    i < trust.crl_files().size() ? trust.crl_files()[i] : "",
                                    unix_seconds(X509_CRL_get0_nextUpdate(crl)), trust.accepts_expired_crls()});
    }
  }
  return out;
}

}  // namespace certgate::tls
