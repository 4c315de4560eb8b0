#include "tls/ticket_keys.hpp"

#include <gtest/gtest.h>

#include "config/config_error.hpp"
#include "test_pki.hpp"
#include "tls/ticket_chain.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

std::string bytes_from(int first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(first + i));
  return out;
}

std::vector<unsigned char> span(const std::string& s, std::size_t from, std::size_t n) {
  return std::vector<unsigned char>(s.begin() + from, s.begin() + from + n);
}

// nginx's ngx_ssl_session_ticket_keys: 80 bytes = name, HMAC secret, AES-256 key.
TEST(TicketKeyFile, EightyBytesAreNameHmacSecretThenAes256Key) {
  const std::string file = bytes_from(0, 80);
  std::string error;
  auto key = parse_ticket_key(file, error);
  ASSERT_TRUE(key) << error;
  EXPECT_EQ(std::vector<unsigned char>(key->name.begin(), key->name.end()), span(file, 0, 16));
  EXPECT_EQ(key->hmac_key, span(file, 16, 32));
  EXPECT_EQ(key->aes_key, span(file, 48, 32));
  EXPECT_EQ(ticket_key_name_hex(*key), "000102030405060708090a0b0c0d0e0f");
}

// nginx's older 48-byte files: name, AES-128 key, then HMAC secret (the other order).
TEST(TicketKeyFile, FortyEightBytesAreNameAes128KeyThenHmacSecret) {
  const std::string file = bytes_from(100, 48);
  std::string error;
  auto key = parse_ticket_key(file, error);
  ASSERT_TRUE(key) << error;
  EXPECT_EQ(std::vector<unsigned char>(key->name.begin(), key->name.end()), span(file, 0, 16));
  EXPECT_EQ(key->aes_key, span(file, 16, 16));
  EXPECT_EQ(key->hmac_key, span(file, 32, 16));
}

TEST(TicketKeyFile, OtherSizesAreRefusedWithTheirSize) {
  for (std::size_t size : {0u, 1u, 47u, 49u, 79u, 81u, 160u}) {
    std::string error;
    EXPECT_FALSE(parse_ticket_key(std::string(size, 'k'), error)) << size;
    EXPECT_NE(error.find("is " + std::to_string(size) + " bytes"), std::string::npos) << error;
    EXPECT_NE(error.find("openssl rand 80"), std::string::npos) << error;
  }
  std::string error;
  EXPECT_FALSE(parse_ticket_key(bytes_from(0, 80) + "\n", error)) << "a trailing newline is not part of a key";
}

config::TicketKeyFile entry(const std::string& path, int line) {
  return config::TicketKeyFile{path, core::SourcePos{"certgate.toml", line, 23}};
}

config::ConfigError load_error(const std::vector<config::TicketKeyFile>& files) {
  try {
    TicketKeys::load(files);
  } catch (const config::ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return config::ConfigError({}, "");
}

TEST(TicketKeys, FirstFileEncryptsEveryFileDecrypts) {
  TempDir dir;
  const std::string a = bytes_from(1, 80), b = bytes_from(2, 48);
  auto keys = TicketKeys::load({entry(dir.write("new.key", a), 3), entry(dir.write("old.key", b), 4)});
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->keys().size(), 2u);
  EXPECT_EQ(keys->encrypting().aes_key, span(a, 48, 32));
  EXPECT_EQ(keys->find(reinterpret_cast<const unsigned char*>(a.data())), 0);
  EXPECT_EQ(keys->find(reinterpret_cast<const unsigned char*>(b.data())), 1);
  const std::string other = bytes_from(3, 16);
  EXPECT_EQ(keys->find(reinterpret_cast<const unsigned char*>(other.data())), -1);
  EXPECT_EQ(TicketKeys::load({}), nullptr) << "no files: no keys, no tickets";
}

TEST(TicketKeys, BadFilesAreRefusedAtTheirEntryNamingTheFile) {
  TempDir dir;
  const std::string good = dir.write("good.key", bytes_from(1, 80));
  const std::string short_file = dir.write("short.key", "0123456789\n");
  auto e = load_error({entry(good, 3), entry(short_file, 4)});
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().column, 23);
  EXPECT_NE(e.message().find(short_file), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("is 11 bytes"), std::string::npos) << e.what();

  e = load_error({entry(dir.file("missing.key"), 5)});
  EXPECT_EQ(e.where().line, 5);
  EXPECT_NE(e.message().find(dir.file("missing.key")), std::string::npos) << e.what();

  e = load_error({entry(dir.path().string(), 6)});
  EXPECT_NE(e.message().find("is a directory"), std::string::npos) << e.what();

  // The same key under two names: tickets name their key, so two keys with one name cannot both decrypt.
  const std::string copy = dir.write("copy.key", bytes_from(1, 80));
  e = load_error({entry(good, 3), entry(copy, 7)});
  EXPECT_EQ(e.where().line, 7);
  EXPECT_NE(e.message().find(copy), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("0102030405060708090a0b0c0d0e0f10"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find(good), std::string::npos) << e.what();
}

TEST(TicketChain, RoundTripsTheIntermediatesWithoutTheLeaf) {
  Issued root = make_ca("root");
  Issued mid = make_ca("mid", &root);
  Issued leaf = make_client(mid, "client");
  X509StackPtr sent(sk_X509_new_null());
  X509_up_ref(leaf.cert.get());
  sk_X509_push(sent.get(), leaf.cert.get());  // the leaf first, as a client's Certificate message has it
  X509_up_ref(mid.cert.get());
  sk_X509_push(sent.get(), mid.cert.get());
  auto data = encode_ticket_chain(leaf.cert.get(), sent.get());
  ASSERT_TRUE(data);
  X509StackPtr back = decode_ticket_chain(data->data(), data->size());
  ASSERT_TRUE(back);
  ASSERT_EQ(sk_X509_num(back.get()), 1);
  EXPECT_EQ(X509_cmp(sk_X509_value(back.get(), 0), mid.cert.get()), 0);

  auto none = encode_ticket_chain(leaf.cert.get(), nullptr);
  ASSERT_TRUE(none);
  X509StackPtr empty = decode_ticket_chain(none->data(), none->size());
  ASSERT_TRUE(empty) << "a leaf issued by an anchor carries an empty chain, which is not the absence of one";
  EXPECT_EQ(sk_X509_num(empty.get()), 0);
}

TEST(TicketChain, AnythingElseIsNoChain) {
  Issued root = make_ca("root");
  Issued mid = make_ca("mid", &root);
  X509StackPtr sent(sk_X509_new_null());
  X509_up_ref(mid.cert.get());
  sk_X509_push(sent.get(), mid.cert.get());
  const std::string data = *encode_ticket_chain(nullptr, sent.get());
  EXPECT_TRUE(decode_ticket_chain(data.data(), data.size()));
  EXPECT_FALSE(decode_ticket_chain(nullptr, 0));
  EXPECT_FALSE(decode_ticket_chain("CGC1", 4));
  EXPECT_FALSE(decode_ticket_chain(data.data(), data.size() - 1)) << "truncated";
  const std::string longer = data + "x";
  EXPECT_FALSE(decode_ticket_chain(longer.data(), longer.size())) << "trailing bytes";
  std::string other = data;
  other[3] = '2';
  EXPECT_FALSE(decode_ticket_chain(other.data(), other.size())) << "another format version";
  std::string wrong_count = data;
  wrong_count[4] = 2;
  EXPECT_FALSE(decode_ticket_chain(wrong_count.data(), wrong_count.size()));
}

}  // namespace
}  // namespace certgate::tls
