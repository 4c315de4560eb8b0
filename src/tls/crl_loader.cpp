// load_crls (declared in cert_loader.hpp): PEM with several CRLs, or one DER CRL.
#include <openssl/err.h>
#include <openssl/pem.h>

#include "tls/cert_loader.hpp"
#include "tls/openssl_io.hpp"

namespace certgate::tls {

std::vector<X509CrlPtr> load_crls(const std::string& path) {
  const std::string bytes = read_file(path);
  std::vector<X509CrlPtr> crls;

  if (detail::looks_like_pem(bytes)) {
    auto bio = detail::memory_bio(bytes);
    for (;;) {
      X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
      if (crl == nullptr) {
        unsigned long err = ERR_peek_last_error();
        if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
          ERR_clear_error();
          break;
        }
        throw LoadError(path + ": unreadable CRL: " + take_openssl_errors());
      }
      crls.emplace_back(crl);
    }
    if (crls.empty()) throw LoadError(path + ": no CRL found (expected \"-----BEGIN X509 CRL-----\" or DER)");
    return crls;
  }

  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(bytes.size()));
  if (crl == nullptr) throw LoadError(path + ": no CRL found (expected PEM or DER): " + take_openssl_errors());
  crls.emplace_back(crl);
  return crls;
}

}  // namespace certgate::tls
