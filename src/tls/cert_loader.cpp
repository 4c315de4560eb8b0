#include "tls/cert_loader.hpp"

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <string_view>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include "tls/openssl_io.hpp"
#include "tls/pkcs12_reader.hpp"

namespace certgate::tls {

LoadError::LoadError(std::string problem, std::string fix, Cause cause)
    : std::runtime_error(fix.empty() ? problem : problem + "; " + fix),
      problem_(std::move(problem)),
      fix_(std::move(fix)),
      cause_(cause) {}

LoadError with_password_flag(const LoadError& e, const std::string& flag) {
  if (e.cause() != LoadError::Cause::password_missing) return e;
  return e.with_fix("pass the password with " + flag);
}

namespace {

// Certificates, keys and CRLs are small; anything bigger is a wrong path (or /dev/zero).
constexpr std::size_t max_file_size = 64u << 20;

struct OpensslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};

bool is_certificate_block(std::string_view type) {
  return type == "CERTIFICATE" || type == "X509 CERTIFICATE" || type == "TRUSTED CERTIFICATE";
}

bool is_private_key_block(std::string_view type) { return type.ends_with("PRIVATE KEY"); }

bool only_whitespace(const unsigned char* p, const unsigned char* end) {
  for (; p < end; ++p) {
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '\0') return false;
  }
  return true;
}

// The certificates of a PKCS#7 SignedData (a .p7b "certificate chain" file), or nullopt when the bytes are not
// PKCS#7. Windows' certificate export wizard writes one with the whole certification path, in no set order.
std::optional<std::vector<X509Ptr>> pkcs7_certificates(const unsigned char* data, long len) {
  const unsigned char* p = data;
  std::unique_ptr<PKCS7, Deleter<PKCS7_free>> p7(d2i_PKCS7(nullptr, &p, len));
  if (!p7) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::vector<X509Ptr> certs;
  STACK_OF(X509)* stack = PKCS7_type_is_signed(p7.get()) && p7->d.sign != nullptr ? p7->d.sign->cert : nullptr;
  for (int i = 0; stack != nullptr && i < sk_X509_num(stack); ++i) {
    X509* cert = sk_X509_value(stack, i);
    X509_up_ref(cert);
    certs.emplace_back(cert);
  }
  return certs;
}

// Leaf first, then each certificate's issuer, as a PEM chain is written; certificates that fit nowhere follow
// in their original order. A bundle whose order the exporter chose (PKCS#7) reads like a PEM chain.
void order_leaf_first(std::vector<X509Ptr>& certs) {
  // A chain is a handful of certificates; a bundle of thousands (a CA store export) keeps its order rather
  // than costing a quadratic sort.
  constexpr std::size_t kMaxOrdered = 64;
  if (certs.size() < 2 || certs.size() > kMaxOrdered) return;
  std::vector<X509Ptr> rest = std::move(certs);
  certs.clear();
  auto issues_another = [&](const X509Ptr& candidate) {
    for (const X509Ptr& other : rest) {
      if (other != candidate && X509_cmp(other.get(), candidate.get()) != 0 &&
          X509_check_issued(candidate.get(), other.get()) == X509_V_OK) {
        return true;
      }
    }
    return false;
  };
  auto leaf = std::find_if(rest.begin(), rest.end(), [&](const X509Ptr& c) { return !issues_another(c); });
  if (leaf == rest.end()) leaf = rest.begin();
  while (leaf != rest.end()) {
    certs.push_back(std::move(*leaf));
    rest.erase(leaf);
    X509* last = certs.back().get();
    leaf = std::find_if(rest.begin(), rest.end(), [&](const X509Ptr& c) {
      return X509_cmp(c.get(), last) != 0 && X509_check_issued(c.get(), last) == X509_V_OK;
    });
  }
  ERR_clear_error();
  for (X509Ptr& cert : rest) certs.push_back(std::move(cert));
}

const char* const kDamagedFix =
    "copy or export the file again whole (a transfer in text mode, or an edit, breaks it); certgate cert show "
    "FILE tells when it reads";

// What a PEM block holds, for "holds a private key, not a certificate".
std::string pem_block_kind(std::string_view type) {
  if (is_private_key_block(type)) return "a private key";
  if (type.ends_with("CERTIFICATE REQUEST")) return "a certificate signing request (CSR)";
  if (type == "X509 CRL") return "a certificate revocation list (CRL)";
  if (type.ends_with("PUBLIC KEY")) return "a public key";
  if (type.ends_with("PARAMETERS")) return "key parameters";
  return "a PEM block of type '" + std::string(type) + "'";
}

struct PemContents {
  std::vector<X509Ptr> certs;
  bool pkcs7 = false;
  std::vector<std::string> other_blocks;  // the types of the blocks that are not certificates
};

// Every CERTIFICATE block and the certificates of every PKCS7 block, in file order; the types of the others.
PemContents pem_contents(std::string_view bytes, const std::string& name) {
  auto bio = detail::memory_bio(bytes);
  PemContents out;
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
      throw LoadError(name + ": a PEM block is damaged: its text between -----BEGIN and -----END is not intact "
                             "base64 (" + take_openssl_errors() + ")",
                      kDamagedFix);
    }
    std::unique_ptr<char, OpensslFree> type_owner(type), header_owner(header);
    std::unique_ptr<unsigned char, OpensslFree> data_owner(data);
    std::string_view block(type);
    if (block == "PKCS7") {
      auto certs = pkcs7_certificates(data, len);
      if (!certs) throw LoadError(name + ": the PKCS7 block does not parse as PKCS#7: " + take_openssl_errors());
      for (X509Ptr& cert : *certs) out.certs.push_back(std::move(cert));
      out.pkcs7 = true;
      continue;
    }
    if (!is_certificate_block(block)) {
      out.other_blocks.emplace_back(block);
      continue;
    }

    const unsigned char* p = data;
    X509* cert = block == "TRUSTED CERTIFICATE" ? d2i_X509_AUX(nullptr, &p, len) : d2i_X509(nullptr, &p, len);
    if (cert == nullptr) {
      throw LoadError(name + ": PEM certificate " + std::to_string(out.certs.size() + 1) +
                      " does not parse as X.509: " + take_openssl_errors(),
                      kDamagedFix);
    }
    out.certs.emplace_back(cert);
  }
  if (out.pkcs7) order_leaf_first(out.certs);
  return out;
}

bool pem_key_is_encrypted(std::string_view bytes) {
  return bytes.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
         bytes.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

const char* const kDecryptKeyFix =
    "give its password, or store the key decrypted (openssl pkey -in KEY -out server.key), readable by certgate's "
    "user only";

EvpPkeyPtr pem_private_key(std::string_view bytes, const std::string& name, const std::string& password) {
  const bool encrypted = pem_key_is_encrypted(bytes);
  if (encrypted && password.empty()) {
    throw LoadError(name + ": the private key is encrypted, and no password was given", kDecryptKeyFix,
                    LoadError::Cause::password_missing);
  }
  auto bio = detail::memory_bio(bytes);
  EVP_PKEY* key =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, detail::password_callback, const_cast<std::string*>(&password));
  if (key == nullptr) {
    if (encrypted) {
      ERR_clear_error();
      throw LoadError(name + ": private key could not be read: the password given does not decrypt it",
                      "give the password the key was encrypted with", LoadError::Cause::password_wrong);
    }
    throw LoadError(name + ": private key could not be read (unsupported or damaged key): " + take_openssl_errors());
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
      throw LoadError(name + ": unreadable data after DER certificate " + std::to_string(certs.size()),
                      "a DER file holds certificates only, back to back: export it again, or as PEM");
    }
    certs.emplace_back(cert);
  }
  return certs;
}

// DER certificate(s), PKCS#7 or PKCS#12, from binary bytes.
std::optional<CertBundle> binary_bundle(std::string_view bytes, const std::string& name,
                                        const std::string& password) {
  auto der = der_certificates(bytes, name);
  if (!der.empty()) {
    CertBundle bundle;
    bundle.certs = std::move(der);
    return bundle;
  }
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (auto p7 = pkcs7_certificates(data, static_cast<long>(bytes.size()))) {
    CertBundle bundle;
    bundle.certs = std::move(*p7);
    bundle.pkcs7 = true;
    order_leaf_first(bundle.certs);
    return bundle;
  }
  return detail::read_pkcs12(bytes, name, password);
}

// What binary (DER) bytes hold when they are neither a certificate nor PKCS#7/#12: "a private key", or "".
std::string der_kind(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const long len = static_cast<long>(bytes.size());
  std::string kind;
  const unsigned char* p = data;
  if (EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, len)) {
    EVP_PKEY_free(key);
    kind = "a private key";
  } else if (p = data; X509_SIG* sig = d2i_X509_SIG(nullptr, &p, len)) {
    X509_SIG_free(sig);
    kind = "a private key";  // encrypted PKCS#8
  } else if (p = data; X509_CRL* crl = d2i_X509_CRL(nullptr, &p, len)) {
    X509_CRL_free(crl);
    kind = "a certificate revocation list (CRL)";
  } else if (p = data; X509_REQ* req = d2i_X509_REQ(nullptr, &p, len)) {
    X509_REQ_free(req);
    kind = "a certificate signing request (CSR)";
  }
  ERR_clear_error();
  return kind;
}

const char* const kFormats = "PEM, DER, PKCS#7 (.p7b), PKCS#12 (.pfx) or the IIS base64 blob";

// The error for a file that holds no certificate: what it holds instead, and what belongs there.
LoadError no_certificate(const std::string& name, const std::vector<std::string>& kinds) {
  if (kinds.empty()) {
    return LoadError(name + ": no certificate found (expected " + std::string(kFormats) + ")",
                     "give the certificate file");
  }
  std::string what;
  for (const std::string& kind : kinds) {
    if (what.find(kind) == std::string::npos) what += (what.empty() ? "" : " and ") + kind;
  }
  if (what.find("a private key") != std::string::npos) {
    return LoadError(name + ": holds " + what + ", not a certificate",
                     "give the certificate file (.crt/.cer/.pem) here; a private key is secret and never a "
                     "certificate",
                     LoadError::Cause::private_key);
  }
  std::string fix = "give the certificate file";
  if (what.find("(CSR)") != std::string::npos) fix = "give the certificate the CA issued for this request";
  if (what.find("(CRL)") != std::string::npos) fix = "list a CRL under crl (--crl), and give a certificate here";
  return LoadError(name + ": holds " + what + ", not a certificate", fix);
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
    PemContents pem = pem_contents(bytes, name);
    std::vector<std::string> kinds;
    for (const std::string& type : pem.other_blocks) kinds.push_back(pem_block_kind(type));
    if (pem.certs.empty()) throw no_certificate(name, kinds);
    CertBundle bundle;
    bundle.certs = std::move(pem.certs);
    bundle.pkcs7 = pem.pkcs7;
    bundle.holds_private_key =
        std::any_of(pem.other_blocks.begin(), pem.other_blocks.end(), [](const std::string& t) {
          return is_private_key_block(t);
        });
    if (bundle.holds_private_key) bundle.key = pem_private_key(bytes, name, password);
    return bundle;
  }
  if (bytes.empty()) throw LoadError(name + ": the file is empty", "give the certificate file");

  std::optional<CertBundle> bundle = binary_bundle(bytes, name, password);
  std::string kind;
  if (!bundle) kind = der_kind(bytes);
  if (!bundle && kind.empty()) {
    // The IIS blob: base64 of the DER, possibly wrapped over several lines.
    std::string decoded = detail::decode_base64_blob(bytes);
    if (!decoded.empty()) {
      bundle = binary_bundle(decoded, name, password);
      if (!bundle) kind = der_kind(decoded);
    }
  }
  if (bundle && bundle->key) bundle->holds_private_key = true;
  if (bundle && bundle->certs.empty()) {
    throw LoadError(name + std::string(bundle->pkcs7 ? ": the PKCS#7 bundle" : ": the PKCS#12 file") +
                        " holds no certificate",
                    "export it again with the certificate (and, for a chain, every CA certificate of its path)");
  }
  if (!bundle) throw no_certificate(name, kind.empty() ? std::vector<std::string>{} : std::vector<std::string>{kind});
  return std::move(*bundle);
}

namespace {

// The error for a file that holds no private key where one belongs.
LoadError not_a_key(const std::string& path, const std::string& what) {
  const std::string fix =
      "give the private key file that belongs to the certificate (for a Windows/IIS .pfx: openssl pkcs12 -in "
      "site.pfx -nocerts -nodes -out server.key)";
  if (what.empty()) {
    return LoadError(path + ": no private key found (expected PEM, DER or PKCS#12)", fix,
                     LoadError::Cause::not_a_key);
  }
  return LoadError(path + ": holds " + what + ", not a private key", fix, LoadError::Cause::not_a_key);
}

}  // namespace

EvpPkeyPtr load_private_key(const std::string& path, const std::string& password) {
  const std::string bytes = read_file(path);
  if (detail::looks_like_pem(bytes)) {
    if (bytes.find("PRIVATE KEY-----") == std::string::npos) {
      PemContents pem = pem_contents(bytes, path);
      std::string what;
      if (!pem.certs.empty()) what = pem.pkcs7 ? "certificates (PKCS#7)" : "a certificate";
      for (const std::string& type : pem.other_blocks) {
        if (const std::string kind = pem_block_kind(type); what.find(kind) == std::string::npos) {
          what += (what.empty() ? "" : " and ") + kind;
        }
      }
      throw not_a_key(path, what);
    }
    return pem_private_key(bytes, path, password);
  }

  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(bytes.size()))) return EvpPkeyPtr(key);
  ERR_clear_error();
  if (auto bundle = detail::read_pkcs12(bytes, path, password)) {
    if (bundle->key) return std::move(bundle->key);
    throw not_a_key(path, "a PKCS#12 file without a private key");
  }
  if (!der_certificates(bytes, path).empty()) throw not_a_key(path, "a certificate (DER)");
  if (const std::string kind = der_kind(bytes); !kind.empty() && kind != "a private key") throw not_a_key(path, kind);
  throw not_a_key(path, "");
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
