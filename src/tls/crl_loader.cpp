// load_crls (declared in cert_loader.hpp): PEM with several CRLs, one DER CRL, or the CRLs of a PKCS#7 bundle.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>

#include "tls/cert_loader.hpp"
#include "tls/openssl_io.hpp"

namespace certgate::tls {
namespace {

struct OpensslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};

// The CRLs of a PKCS#7 SignedData (openssl crl2pkcs7 writes one), or nullopt when the bytes are not PKCS#7.
std::optional<std::vector<X509CrlPtr>> pkcs7_crls(const unsigned char* data, long len) {
  const unsigned char* p = data;
  std::unique_ptr<PKCS7, Deleter<PKCS7_free>> p7(d2i_PKCS7(nullptr, &p, len));
  if (!p7) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::vector<X509CrlPtr> crls;
  STACK_OF(X509_CRL)* stack = PKCS7_type_is_signed(p7.get()) && p7->d.sign != nullptr ? p7->d.sign->crl : nullptr;
  for (int i = 0; stack != nullptr && i < sk_X509_CRL_num(stack); ++i) {
    X509_CRL* crl = sk_X509_CRL_value(stack, i);
    X509_CRL_up_ref(crl);
    crls.emplace_back(crl);
  }
  return crls;
}

// A file given as crl that holds no CRL: name what it holds.
LoadError no_crl(const std::string& path, const std::string& bytes) {
  const bool pem = detail::looks_like_pem(bytes);
  std::string what;
  if (pem ? bytes.find("PRIVATE KEY-----") != std::string::npos : false) {
    what = "a private key";
  } else if (pem ? bytes.find("-----BEGIN CERTIFICATE-----") != std::string::npos ||
                       bytes.find("-----BEGIN PKCS7-----") != std::string::npos
                 : [&] {
                     const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
                     X509* cert = d2i_X509(nullptr, &p, static_cast<long>(bytes.size()));
                     X509_free(cert);
                     ERR_clear_error();
                     return cert != nullptr;
                   }()) {
    what = "certificates";
  }
  if (what.empty()) {
    return LoadError(path + ": no CRL found (expected PEM \"-----BEGIN X509 CRL-----\", DER or PKCS#7)",
                     "give the CRL file the CA publishes (its CRL distribution point)");
  }
  return LoadError(path + ": holds " + what + " and no CRL",
                   "crl takes the CRLs the CAs publish (PEM, DER or PKCS#7); certificates of CAs belong in "
                   "client_ca");
}

}  // namespace

std::vector<X509CrlPtr> load_crls(const std::string& path) {
  const std::string bytes = read_file(path);
  std::vector<X509CrlPtr> crls;

  if (detail::looks_like_pem(bytes)) {
    auto bio = detail::memory_bio(bytes);
    for (;;) {
      char* type = nullptr;
      char* header = nullptr;
      unsigned char* data = nullptr;
      long len = 0;
      if (PEM_read_bio(bio.get(), &type, &header, &data, &len) != 1) {
        unsigned long err = ERR_peek_last_error();
        if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
          ERR_clear_error();
          break;
        }
        throw LoadError(path + ": a PEM block is damaged: its text between -----BEGIN and -----END is not intact "
                               "base64 (" + take_openssl_errors() + ")",
                        "download the CRL again whole (its CRL distribution point)");
      }
      const std::string block(type);
      OPENSSL_free(type);
      OPENSSL_free(header);
      std::unique_ptr<unsigned char, OpensslFree> owner(data);
      if (block == "X509 CRL") {
        const unsigned char* p = data;
        X509_CRL* crl = d2i_X509_CRL(nullptr, &p, len);
        if (crl == nullptr) {
          throw LoadError(path + ": a CRL block does not parse as an X.509 CRL: " + take_openssl_errors(),
                          "download the CRL again whole (its CRL distribution point)");
        }
        crls.emplace_back(crl);
      } else if (block == "PKCS7") {
        auto more = pkcs7_crls(data, len);
        if (!more) throw LoadError(path + ": the PKCS7 block does not parse as PKCS#7: " + take_openssl_errors());
        for (X509CrlPtr& crl : *more) crls.push_back(std::move(crl));
      }
    }
    if (crls.empty()) throw no_crl(path, bytes);
    return crls;
  }

  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* p = data;
  if (X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(bytes.size()))) {
    crls.emplace_back(crl);
    return crls;
  }
  ERR_clear_error();
  if (auto more = pkcs7_crls(data, static_cast<long>(bytes.size())); more && !more->empty()) return std::move(*more);
  throw no_crl(path, bytes);
}

}  // namespace certgate::tls
