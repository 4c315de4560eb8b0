#include "tls/cert_loader.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "tls/openssl_io.hpp"
#include "tls/pkcs12_reader.hpp"

namespace certgate::tls {
namespace {

// Certificates, keys and CRLs are small; anything bigger is a wrong path (or /dev/zero).
constexpr std::size_t max_file_size = 64u << 20;

struct OpensslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};

bool is_certificate_block(std::string_view type) {
  return type == "CERTIFICATE" || type == "X509 CERTIFICATE" || type == "TRUSTED CERTIFICATE";
}

bool only_whitespace(const unsigned char* p, const unsigned char* end) {
  for (; p < end; ++p) {
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '\0') return false;
  }
  return true;
}

// Every CERTIFICATE block, in file order. Other blocks (keys, CRLs, parameters) are skipped.
std::vector<X509Ptr> pem_certificates(std::string_view bytes, const std::string& name) {
  auto bio = detail::memory_bio(bytes);
  std::vector<X509Ptr> certs;
  for (;;) {
    char* type = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &type, &header, &data, &len) != 1) {
      unsigned long err = ERR_peek_last_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();  // the normal end of the text
        break;
      }
      throw LoadError(name + ": unreadable PEM block: " + take_openssl_errors());
    }
    std::unique_ptr<char, OpensslFree> type_owner(type), header_owner(header);
    std::unique_ptr<unsigned char, OpensslFree> data_owner(data);
    std::string_view block(type);
    if (!is_certificate_block(block)) continue;

    const unsigned char* p = data;
    X509* cert = block == "TRUSTED CERTIFICATE" ? d2i_X509_AUX(nullptr, &p, len) : d2i_X509(nullptr, &p, len);
    if (cert == nullptr) {
      throw LoadError(name + ": PEM certificate " + std::to_string(certs.size() + 1) +
                      " does not parse: " + take_openssl_errors());
    }
    certs.emplace_back(cert);
  }
  return certs;
}

EvpPkeyPtr pem_private_key(std::string_view bytes, const std::string& name, const std::string& password) {
  auto bio = detail::memory_bio(bytes);
  EVP_PKEY* key =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, detail::password_callback, const_cast<std::string*>(&password));
  if (key == nullptr) {
    throw LoadError(name + ": private key could not be read (wrong password or unsupported key): " +
                    take_openssl_errors());
  }
  return EvpPkeyPtr(key);
}

// One DER certificate, or several concatenated. Empty when the bytes do not start with one.
std::vector<X509Ptr> der_certificates(std::string_view bytes, const std::string& name) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  std::vector<X509Ptr> certs;
  while (p < end && !(certs.size() > 0 && only_whitespace(p, end))) {
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(end - p));
    if (cert == nullptr) {
      ERR_clear_error();
      if (certs.empty()) return certs;
      throw LoadError(name + ": unreadable data after DER certificate " + std::to_string(certs.size()));
    }
    certs.emplace_back(cert);
  }
  return certs;
}

// DER certificate(s) or PKCS#12, from binary bytes.
std::optional<CertBundle> binary_bundle(std::string_view bytes, const std::string& name,
                                        const std::string& password) {
  auto der = der_certificates(bytes, name);
  if (!der.empty()) {
    CertBundle bundle;
    bundle.certs = std::move(der);
    return bundle;
  }
  return detail::read_pkcs12(bytes, name, password);
}

std::string no_certificate(const std::string& name) {
  return name + ": no certificate found (expected PEM, DER, IIS base64 blob or PKCS#12)";
}

}  // namespace

std::string read_file(const std::string& path) {
  errno = 0;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw LoadError(path + ": " + std::strerror(errno != 0 ? errno : ENOENT));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> owner(file, &std::fclose);

  std::string out;
  char buf[16384];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, file)) > 0) {
    out.append(buf, n);
    if (out.size() > max_file_size) throw LoadError(path + ": file too large for a certificate, key or CRL");
  }
  if (std::ferror(file) != 0) throw LoadError(path + ": " + std::strerror(errno != 0 ? errno : EIO));
  return out;
}

CertBundle load_cert_bundle(const std::string& path, const std::string& password) {
  return parse_cert_bundle(read_file(path), path, password);
}

CertBundle parse_cert_bundle(const std::string& bytes, const std::string& name, const std::string& password) {
  if (detail::looks_like_pem(bytes)) {
    CertBundle bundle;
    bundle.certs = pem_certificates(bytes, name);
    if (bundle.certs.empty()) throw LoadError(no_certificate(name));
    if (bytes.find("PRIVATE KEY-----") != std::string::npos) bundle.key = pem_private_key(bytes, name, password);
    return bundle;
  }

  std::optional<CertBundle> bundle = binary_bundle(bytes, name, password);
  if (!bundle) {
    // The IIS blob: base64 of the DER, possibly wrapped over several lines.
    std::string decoded = detail::decode_base64_blob(bytes);
    if (!decoded.empty()) bundle = binary_bundle(decoded, name, password);
  }
  if (!bundle || bundle->certs.empty()) throw LoadError(no_certificate(name));
  return std::move(*bundle);
}

EvpPkeyPtr load_private_key(const std::string& path, const std::string& password) {
  const std::string bytes = read_file(path);
  if (detail::looks_like_pem(bytes)) {
    if (bytes.find("PRIVATE KEY-----") == std::string::npos) throw LoadError(path + ": no private key found");
    return pem_private_key(bytes, path, password);
  }

  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(bytes.size()))) return EvpPkeyPtr(key);
  ERR_clear_error();
  if (auto bundle = detail::read_pkcs12(bytes, path, password); bundle && bundle->key) return std::move(bundle->key);
  throw LoadError(path + ": no private key found (expected PEM, DER or PKCS#12)");
}

std::string to_der(X509* cert) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(cert, &buf);
  if (len <= 0) {
    ERR_clear_error();
    return {};
  }
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    ERR_clear_error();
    return {};
  }
  return detail::bio_contents(bio.get());
}

}  // namespace certgate::tls
