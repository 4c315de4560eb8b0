#include "tls/pkcs12_reader.hpp"

#include <cstdlib>
#include <memory>
#include <mutex>

#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

namespace certgate::tls::detail {
namespace {

using Pkcs12Ptr = std::unique_ptr<PKCS12, Deleter<PKCS12_free>>;

bool password_matches_mac(PKCS12* p12, const std::string& password) {
  if (PKCS12_mac_present(p12) == 0) return true;  // nothing to check; decryption will tell
  if (password.empty()) {
    // As PKCS12_parse does: an empty password may have been encoded as "no password" or as "".
    return PKCS12_verify_mac(p12, nullptr, 0) == 1 || PKCS12_verify_mac(p12, "", 0) == 1;
  }
  return PKCS12_verify_mac(p12, password.c_str(), static_cast<int>(password.size())) == 1;
}

// Windows (and so IIS) exports PKCS#12 with RC2-40 by default, which OpenSSL 3 keeps in its legacy
// provider. It is loaded once, only when such a file is met, and unloaded at exit.
OSSL_PROVIDER* legacy_provider = nullptr;
OSSL_PROVIDER* default_provider = nullptr;

void unload_providers() {
  if (legacy_provider != nullptr) OSSL_PROVIDER_unload(legacy_provider);
  if (default_provider != nullptr) OSSL_PROVIDER_unload(default_provider);
  legacy_provider = default_provider = nullptr;
}

bool load_legacy_provider() {
  static std::once_flag once;
  std::call_once(once, [] {
    legacy_provider = OSSL_PROVIDER_load(nullptr, "legacy");
    // Loading any provider explicitly stops the implicit default one from being loaded, so load both.
    default_provider = OSSL_PROVIDER_load(nullptr, "default");
    // Registered after OpenSSL's own exit handler, so this runs first, while the library is alive.
    std::atexit(unload_providers);
  });
  return legacy_provider != nullptr && default_provider != nullptr;
}

bool parse(PKCS12* p12, const std::string& password, EVP_PKEY** key, X509** cert, STACK_OF(X509) * *ca) {
  return PKCS12_parse(p12, password.c_str(), key, cert, ca) == 1;
}

// A PKCS#12 file's integrity check (its MAC) is keyed with the password: when it does not verify, either no
// password was given for a file that has one, or the one given is wrong.
LoadError password_error(const std::string& name, const std::string& password) {
  if (password.empty()) {
    return LoadError(name + ": a PKCS#12 (.pfx/.p12) file protected by a password, and no password was given",
                     "give its password, or export what is needed as PEM (openssl pkcs12 -in FILE -nokeys -out "
                     "certs.pem)",
                     LoadError::Cause::password_missing);
  }
  return LoadError(name + ": the password given for this PKCS#12 (.pfx/.p12) file is wrong (its MAC does not "
                          "verify with it)",
                   "give the password the file was exported with", LoadError::Cause::password_wrong);
}

}  // namespace

std::optional<CertBundle> read_pkcs12(std::string_view bytes, const std::string& name, const std::string& password) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(bytes.size())));
  if (!p12) {
    ERR_clear_error();
    return std::nullopt;
  }
  if (!password_matches_mac(p12.get(), password)) {
    ERR_clear_error();
    throw password_error(name, password);
  }

  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  bool ok = parse(p12.get(), password, &key, &cert, &ca);
  if (!ok && load_legacy_provider()) {
    ERR_clear_error();
    ok = parse(p12.get(), password, &key, &cert, &ca);
  }
  if (!ok && PKCS12_mac_present(p12.get()) == 0) {
    ERR_clear_error();
    throw password_error(name, password);  // no MAC to tell: the decryption failed, so the password is the cause
  }
  if (!ok) {
    throw LoadError(name + ": PKCS#12 could not be decrypted (unsupported algorithm): " + take_openssl_errors(),
                    "export it again with AES-256 (openssl pkcs12 -export, or Windows: \"AES256-SHA256\")");
  }

  CertBundle bundle;
  bundle.key.reset(key);
  X509StackPtr chain(ca);
  if (cert != nullptr) bundle.certs.emplace_back(cert);
  // The chain is owned by the stack; take each certificate out of it.
  while (chain && sk_X509_num(chain.get()) > 0) bundle.certs.emplace_back(sk_X509_shift(chain.get()));
  return bundle;
}

}  // namespace certgate::tls::detail
