#pragma once
// TLS session ticket keys in the file format of nginx's ssl_session_ticket_key, so that several certgate
// instances (or certgate and nginx) can share one key: a file of 80 bytes (16-byte key name, 32-byte HMAC-SHA256
// secret, 32-byte AES-256-CBC key) or of 48 bytes (nginx's older format: 16-byte name, 16-byte AES-128-CBC key,
// 16-byte HMAC-SHA256 secret). The first key encrypts new tickets; every key decrypts, and a ticket decrypted with
// any but the first is replaced by a new one on that connection (renewed).
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/ssl.h>

#include "config/gateway_config.hpp"

namespace certgate::tls {

struct TicketKey {
  static constexpr std::size_t kNameBytes = 16;
  std::array<unsigned char, kNameBytes> name{};
  std::vector<unsigned char> hmac_key;  // HMAC-SHA256 secret: 32 bytes (80-byte file) or 16 (48-byte file)
  std::vector<unsigned char> aes_key;   // AES-256-CBC key (32 bytes) or AES-128-CBC key (16 bytes)

  TicketKey() = default;
  TicketKey(TicketKey&&) = default;
  TicketKey& operator=(TicketKey&&) = default;
  ~TicketKey();  // wipes the secrets
};

// The key of a file's bytes; nullopt with `error` saying why ("is 12 bytes; ...") when they are not one.
std::optional<TicketKey> parse_ticket_key(std::string_view bytes, std::string& error);

// The ticket key hex name (what operators compare between instances: `head -c 16 FILE | xxd -p`).
std::string ticket_key_name_hex(const TicketKey& key);

class TicketKeys {
 public:
  // Reads every file, in order. An unreadable file, one of the wrong size or a key name that an earlier file
  // already has is refused: ConfigError at the file's entry in [tls] session_ticket_keys, naming the file.
  static std::shared_ptr<const TicketKeys> load(const std::vector<config::TicketKeyFile>& files);
  static std::shared_ptr<const TicketKeys> from(std::vector<TicketKey> keys);  // keys.front() encrypts

  const TicketKey& encrypting() const { return keys_.front(); }
  // The index of the key named `name`, or -1.
  int find(const unsigned char* name) const;
  const std::vector<TicketKey>& keys() const { return keys_; }

 private:
  std::vector<TicketKey> keys_;
};

// Lets `ctx` encrypt and decrypt session tickets with `keys` (which must outlive it): the EVP ticket key
// callback, and the keys reachable from every context a connection can be switched to.
void use_ticket_keys(SSL_CTX* ctx, const TicketKeys* keys);

}  // namespace certgate::tls
