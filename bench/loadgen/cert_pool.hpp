#pragma once
// A pool of client certificates presented round robin, one per connection (--cert-pool DIR): what a server
// sees when every connection brings a certificate it has not verified recently, unlike a CDN edge that
// presents the same certificate on every connection.
#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include <openssl/ssl.h>

namespace certgate::bench {

class ClientCertPool {
 public:
  ClientCertPool() = default;
  ClientCertPool(const ClientCertPool&) = delete;
  ClientCertPool& operator=(const ClientCertPool&) = delete;
  ~ClientCertPool();

  // Loads every DIR/*.pem (sorted by name): the first certificate in the file is the leaf, the others its
  // chain; the key is the same-named .key file, or `default_key` when there is none. False with `error` set
  // on any file that does not load, a key that does not match, or an empty directory.
  bool load(const std::string& dir, const std::string& default_key, std::string& error);

  std::size_t size() const { return entries_.size(); }

  // Sets the next certificate of the round robin (shared by every thread) on `ssl`. False on failure.
  bool use_next(SSL* ssl);

  // How many different certificates were handed to connections so far (at most size()).
  std::size_t distinct_used() const;

 private:
  struct Entry {
    X509* leaf = nullptr;
    STACK_OF(X509)* chain = nullptr;
    EVP_PKEY* key = nullptr;
  };
  std::vector<Entry> entries_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace certgate::bench
