#pragma once
// Paths and known facts of the real Cloudflare Authenticated Origin Pulls certificates
// (CERTGATE_TEST_DATA_DIR/aop-certs, see its README.md).
#include <ctime>
#include <string>

#include "test_pki.hpp"

namespace certgate::tls::cloudflare {

inline std::string aop(const std::string& file) { return std::string(CERTGATE_TEST_DATA_DIR) + "/aop-certs/" + file; }

inline const std::string ca_2019 = aop("cloudflare-aop-origin-pull-ca-2019-2029.pem");
inline const std::string ca_2015 = aop("cloudflare-aop-origin-pull-ca-2015-2020-expired.pem");
inline const std::string leaf_pem = aop("cloudflare-aop-leaf-2016-2017-expired.pem");
inline const std::string leaf_der = aop("cloudflare-aop-leaf-2016-2017-expired.der");
inline const std::string bad_algorithm = aop("derived-negative/novemberborn-bad-algorithm.der");
inline const std::string bad_signature = aop("derived-negative/novemberborn-bad-signature.der");
inline const std::string bad_data = aop("derived-negative/novemberborn-bad-data.der");
inline const std::string corrupted_ca = aop("derived-negative/in-the-wild-corrupted-origin-pull-ca-copy.pem");
inline const std::string origin_ca_rsa = aop("not-aop/cloudflare-origin-ssl-rsa-ca-2019-2029.pem");

inline const std::string leaf_cn = "origin-pull.cloudflare.net";  // `openssl x509 -noout -subject`

// Inside the leaf's validity (2016-01-08 .. 2017-01-07) and inside the 2015-2020 CA's.
inline std::time_t inside_leaf_validity() { return testpki::utc(2016, 8, 1); }

}  // namespace certgate::tls::cloudflare
