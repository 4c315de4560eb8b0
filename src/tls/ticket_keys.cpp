#include "tls/ticket_keys.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>

#include "config/config_error.hpp"
#include "config/files.hpp"

namespace certgate::tls {
namespace {

constexpr std::size_t kKeyFileBytes = 80;        // nginx: name, HMAC secret, AES-256 key
constexpr std::size_t kShortKeyFileBytes = 48;   // nginx before 1.11.8's 80-byte files: name, AES-128 key, HMAC secret

// ex_data slot on SSL_CTX: the TicketKeys of the ServerTls the context belongs to.
int keys_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Fetched once: OpenSSL 3.0 looks a built-in cipher (EVP_aes_256_cbc()) up by name in the provider store, under
// its lock, at every EVP_*Init_ex, that is for every ticket. Never freed (process lifetime).
const EVP_CIPHER* cipher_for(const TicketKey& key) {
  static const EVP_CIPHER* const aes256 = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  static const EVP_CIPHER* const aes128 = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
  return key.aes_key.size() == 32 ? aes256 : aes128;
}

bool init_mac(EVP_MAC_CTX* mac, const TicketKey& key) {
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  return EVP_MAC_init(mac, key.hmac_key.data(), key.hmac_key.size(), params) == 1;
}

// SSL_CTX_set_tlsext_ticket_key_evp_cb: on encryption, the first key with a fresh IV; on decryption, the key the
// ticket names (0 = unknown: the ticket is ignored and the handshake is a full one), 2 when it is not the first
// (OpenSSL then issues a ticket under the first, so clients move to it before the old key is removed).
int ticket_key_cb(SSL* ssl, unsigned char name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
                  int encrypt) {
  const auto* keys = static_cast<const TicketKeys*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), keys_index()));
  if (keys == nullptr) return -1;
  if (encrypt == 1) {
    const TicketKey& key = keys->encrypting();
    const EVP_CIPHER* algorithm = cipher_for(key);
    if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(algorithm)) != 1) return -1;
    std::memcpy(name, key.name.data(), key.name.size());
    if (EVP_EncryptInit_ex(cipher, algorithm, nullptr, key.aes_key.data(), iv) != 1 || !init_mac(mac, key)) return -1;
    return 1;
  }
  const int index = keys->find(name);
  if (index < 0) return 0;
  const TicketKey& key = keys->keys()[static_cast<std::size_t>(index)];
  if (!init_mac(mac, key) || EVP_DecryptInit_ex(cipher, cipher_for(key), nullptr, key.aes_key.data(), iv) != 1) {
    return -1;
  }
  return index == 0 ? 1 : 2;
}

}  // namespace

TicketKey::~TicketKey() {
  if (!hmac_key.empty()) OPENSSL_cleanse(hmac_key.data(), hmac_key.size());
  if (!aes_key.empty()) OPENSSL_cleanse(aes_key.data(), aes_key.size());
}

std::optional<TicketKey> parse_ticket_key(std::string_view bytes, std::string& error) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  TicketKey key;
  if (bytes.size() == kKeyFileBytes) {
    std::memcpy(key.name.data(), p, 16);
    key.hmac_key.assign(p + 16, p + 48);
    key.aes_key.assign(p + 48, p + 80);
  } else if (bytes.size() == kShortKeyFileBytes) {
    std::memcpy(key.name.data(), p, 16);
    key.aes_key.assign(p + 16, p + 32);
    key.hmac_key.assign(p + 32, p + 48);
  } else {
    error = "is " + std::to_string(bytes.size()) + " bytes; a session ticket key file holds exactly 80 bytes "
            "(make one with `openssl rand 80 > FILE`) or 48 (the older nginx format)";
    return std::nullopt;
  }
  return key;
}

std::string ticket_key_name_hex(const TicketKey& key) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : key.name) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::shared_ptr<const TicketKeys> TicketKeys::load(const std::vector<config::TicketKeyFile>& files) {
  std::vector<TicketKey> keys;
  for (const config::TicketKeyFile& file : files) {
    std::string error;
    std::optional<std::string> bytes = config::read_file_bytes(file.path, error);
    if (!bytes) throw config::ConfigError(file.where, "session ticket key file '" + file.path + "': " + error);
    std::optional<TicketKey> key = parse_ticket_key(*bytes, error);
    OPENSSL_cleanse(bytes->data(), bytes->size());
    if (!key) throw config::ConfigError(file.where, "session ticket key file '" + file.path + "' " + error);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i].name == key->name) {
        throw config::ConfigError(file.where, "session ticket key file '" + file.path + "' has the key name " +
                                                  ticket_key_name_hex(*key) + " of '" + files[i].path +
                                                  "' (at " + files[i].where.to_string() +
                                                  "): a ticket could not say which key encrypted it");
      }
    }
    keys.push_back(std::move(*key));
  }
  return from(std::move(keys));
}

std::shared_ptr<const TicketKeys> TicketKeys::from(std::vector<TicketKey> keys) {
  if (keys.empty()) return nullptr;
  auto out = std::make_shared<TicketKeys>();
  out->keys_ = std::move(keys);
  return out;
}

int TicketKeys::find(const unsigned char* name) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (std::memcmp(keys_[i].name.data(), name, TicketKey::kNameBytes) == 0) return static_cast<int>(i);
  }
  return -1;
}

void use_ticket_keys(SSL_CTX* ctx, const TicketKeys* keys) {
  SSL_CTX_set_ex_data(ctx, keys_index(), const_cast<TicketKeys*>(keys));
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_key_cb);
}

}  // namespace certgate::tls
