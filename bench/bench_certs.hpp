#pragma once
// Real certificates for the micro-benchmarks: a CA and client certificates issued with the OpenSSL API,
// turned into the digests the server hands to decide(). Nothing here is a stand-in.
#include <string>
#include <vector>

#include "core/cert_digest.hpp"
#include "tls/digest.hpp"
#include "tls/pki_generator.hpp"

namespace certgate::bench {

class BenchCerts {
 public:
  BenchCerts() : ca_(tls::issue_certificate(ca_spec(), nullptr)) {}

  // A client certificate CN=<cn>, O=Example, OU=edge, issued by the CA, as the server would see it.
  core::CertDigest client(const std::string& cn) const {
    tls::CertSpec spec;
    spec.subject = {{"C", "US"}, {"O", "Example"}, {"OU", "edge"}, {"CN", cn}};
    spec.client_auth = true;
    const tls::Issued issued = tls::issue_certificate(spec, &ca_);
    return tls::digest_of(issued.cert.get());
  }

 private:
  static tls::CertSpec ca_spec() {
    tls::CertSpec spec;
    spec.subject = {{"O", "Example"}, {"CN", "Example Bench CA"}};
    spec.is_ca = true;
    return spec;
  }

  tls::Issued ca_;
};

}  // namespace certgate::bench
