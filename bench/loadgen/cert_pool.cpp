#include "loadgen/cert_pool.hpp"

#include <dirent.h>

#include <algorithm>
#include <cstdio>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace certgate::bench {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

EVP_PKEY* read_key(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return key;
}

bool file_exists(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return false;
  std::fclose(f);
  return true;
}

}  // namespace

ClientCertPool::~ClientCertPool() {
  for (Entry& e : entries_) {
    X509_free(e.leaf);
    sk_X509_pop_free(e.chain, X509_free);
    EVP_PKEY_free(e.key);
  }
}

bool ClientCertPool::load(const std::string& dir, const std::string& default_key, std::string& error) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* entry = readdir(d)) {
      const std::string name = entry->d_name;
      if (ends_with(name, ".pem")) names.push_back(name);
    }
    closedir(d);
  } else {
    error = "--cert-pool " + dir + ": cannot open the directory";
    return false;
  }
  if (names.empty()) {
    error = "--cert-pool " + dir + ": no *.pem certificate in it";
    return false;
  }
  std::sort(names.begin(), names.end());

  EVP_PKEY* shared_key = nullptr;
  auto shared = [&]() -> EVP_PKEY* {
    if (shared_key == nullptr && !default_key.empty()) shared_key = read_key(default_key);
    return shared_key;
  };
  bool ok = true;
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) {
      error = "--cert-pool: cannot read " + path;
      ok = false;
      break;
    }
    Entry e;
    e.leaf = PEM_read_X509(f, nullptr, nullptr, nullptr);
    e.chain = sk_X509_new_null();
    while (e.leaf != nullptr) {
      X509* extra = PEM_read_X509(f, nullptr, nullptr, nullptr);
      if (extra == nullptr) break;
      sk_X509_push(e.chain, extra);
    }
    std::fclose(f);
    ERR_clear_error();  // the end of the file ends the loop with a "no start line" error
    const std::string key_path = path.substr(0, path.size() - 4) + ".key";
    if (file_exists(key_path)) {
      e.key = read_key(key_path);
    } else if (EVP_PKEY* k = shared()) {
      EVP_PKEY_up_ref(k);
      e.key = k;
    }
    const bool loaded = e.leaf != nullptr && e.key != nullptr && X509_check_private_key(e.leaf, e.key) == 1;
    entries_.push_back(e);
    if (!loaded) {
      error = "--cert-pool: " + path + (e.leaf == nullptr  ? ": no PEM certificate"
                                        : e.key == nullptr ? ": no key (" + key_path + " or --key)"
                                                           : ": the key does not match the certificate");
      ok = false;
      break;
    }
  }
  EVP_PKEY_free(shared_key);
  return ok;
}

bool ClientCertPool::use_next(SSL* ssl) {
  const Entry& e = entries_[next_.fetch_add(1, std::memory_order_relaxed) % entries_.size()];
  // override = 1: replaces whatever the context set; the key was checked against the leaf at load.
  return SSL_use_cert_and_key(ssl, e.leaf, e.key, e.chain, 1) == 1;
}

std::size_t ClientCertPool::distinct_used() const {
  return std::min(next_.load(std::memory_order_relaxed), entries_.size());
}

}  // namespace certgate::bench
