#pragma once
// What makes a configured CRL unusable or misleading under RFC 5280 and OpenSSL 3.0. Checked when the trust
// store is loaded: a CRL is configuration, the same for every handshake until the next reload, so a defect in
// it is a configuration error naming the file (serve refuses to start, a reload keeps the running policy,
// check reports it) rather than a 403.16 for every client at request time. docs/security.md lists the cases.
#include <string>

#include <openssl/x509.h>

namespace certgate::tls {

// "" when the CRL is fit for use, else what is wrong with it, as a predicate ("has no CRL number (...)").
std::string crl_defect(X509_CRL* crl);

}  // namespace certgate::tls
