// The verified-chain cache inside real handshakes (in memory, TLS 1.3): a hit leaves OpenSSL and the outcome as a
// miss does (X509_V_OK, the same verified chain, the same decision), the same leaf sent with another chain is
// verified itself, and verified_chain_cache = 0 never hits.
#include <gtest/gtest.h>
#include <openssl/err.h>

#include <string>
#include <vector>

#include "config/load.hpp"
#include "test_pki.hpp"
#include "tls/server_tls.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

class ChainCacheHandshakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CertSpec server_spec;
    server_spec.subject = {{"CN", "localhost"}};
    server_spec.eku = {"serverAuth"};
    server_spec.san = "DNS:localhost";
    Issued server = make_leaf(root, server_spec);
    server_cert = dir.write("server.pem", pem_of(server.cert.get()));
    server_key = dir.write("server.key", key_pem(server.key.get()));
    anchor = dir.write("root.pem", pem_of(root.cert.get()));
  }

  std::shared_ptr<const ServerTls> build(const std::string& limits) {
    const std::string toml = "[limits]\nsession_cache = 0\n" + limits + "\n[tls]\ncert = \"" + server_cert +
                             "\"\nkey = \"" + server_key + "\"\nclient_ca = [\"" + anchor +
                             "\"]\nmode = \"require\"\n\n[mapping]\nchain_only = true\n";
    return ServerTls::build(config::parse_toml(toml, dir.file("certgate.toml")), 1);
  }

  struct Result {
    HandshakeOutcome outcome;
    long verify_result = -1;
    std::vector<std::string> verified_chain;  // DER, leaf first
    bool chain_starts_with_peer = false;
  };

  // One full handshake presenting `sent` (leaf first) with the leaf's key.
  Result handshake(const ServerTls& tls, const std::vector<X509*>& sent, EVP_PKEY* key) {
    Result r;
    SslPtr server = tls.new_ssl(&r.outcome);
    SslCtxPtr cctx(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_min_proto_version(cctx.get(), TLS1_3_VERSION);
    EXPECT_EQ(SSL_CTX_use_certificate(cctx.get(), sent.front()), 1);
    for (std::size_t i = 1; i < sent.size(); ++i) EXPECT_EQ(SSL_CTX_add1_chain_cert(cctx.get(), sent[i]), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey(cctx.get(), key), 1);
    SslPtr client(SSL_new(cctx.get()));
    SSL_set_tlsext_host_name(client.get(), "localhost");
    BIO *server_bio = nullptr, *client_bio = nullptr;
    EXPECT_EQ(BIO_new_bio_pair(&server_bio, 0, &client_bio, 0), 1);
    SSL_set_bio(server.get(), server_bio, server_bio);
    SSL_set_bio(client.get(), client_bio, client_bio);
    SSL_set_accept_state(server.get());
    SSL_set_connect_state(client.get());
    bool server_done = false, client_done = false;
    for (int round = 0; round < 50 && !(server_done && client_done); ++round) {
      if (!client_done) client_done = SSL_do_handshake(client.get()) == 1;
      if (!server_done) server_done = SSL_do_handshake(server.get()) == 1;
    }
    EXPECT_TRUE(server_done && client_done) << take_openssl_errors();
    tls.finish(server.get(), r.outcome);
    r.verify_result = SSL_get_verify_result(server.get());
    STACK_OF(X509)* chain = SSL_get0_verified_chain(server.get());
    for (int i = 0; i < sk_X509_num(chain); ++i) r.verified_chain.push_back(der_of(sk_X509_value(chain, i)));
    r.chain_starts_with_peer = sk_X509_num(chain) > 0 && sk_X509_value(chain, 0) == SSL_get0_peer_certificate(server.get());
    ERR_clear_error();
    return r;
  }

  TempDir dir;
  Issued root = make_ca("Handshake Root");
  Issued inter = make_ca("Handshake Intermediate", &root);
  Issued leaf = make_client(inter, "edge.example.com");
  std::string server_cert, server_key, anchor;
};

TEST_F(ChainCacheHandshakeTest, AHitLeavesOpenSslAndTheOutcomeAsAMissDoes) {
  auto tls = build("");
  Result miss = handshake(*tls, {leaf.cert.get(), inter.cert.get()}, leaf.key.get());
  Result hit = handshake(*tls, {leaf.cert.get(), inter.cert.get()}, leaf.key.get());

  EXPECT_FALSE(miss.outcome.chain_cached);
  EXPECT_TRUE(hit.outcome.chain_cached);
  for (const Result* r : {&miss, &hit}) {
    EXPECT_EQ(r->verify_result, X509_V_OK);
    EXPECT_TRUE(r->outcome.evaluated);
    EXPECT_FALSE(r->outcome.resumed);
    EXPECT_EQ(r->outcome.verify.status, core::VerifyStatus::ok);
    EXPECT_TRUE(r->outcome.decision.admitted);
    EXPECT_EQ(r->outcome.decision.identity, "edge.example.com");
    ASSERT_TRUE(r->outcome.cert.has_value());
    EXPECT_EQ(r->outcome.cert->der, der_of(leaf.cert.get()));
    EXPECT_TRUE(r->chain_starts_with_peer) << "the verified chain starts with this connection's certificate";
  }
  ASSERT_EQ(miss.verified_chain.size(), 3u);  // leaf, intermediate, root
  EXPECT_EQ(hit.verified_chain, miss.verified_chain);
  EXPECT_EQ(hit.outcome.decision.status, miss.outcome.decision.status);
  EXPECT_EQ(hit.outcome.decision.mapping, miss.outcome.decision.mapping);
  EXPECT_EQ(hit.outcome.cert->sha256_hex, miss.outcome.cert->sha256_hex);
}

TEST_F(ChainCacheHandshakeTest, TheSameLeafWithoutItsIntermediateIsVerifiedItself) {
  auto tls = build("");
  ASSERT_TRUE(handshake(*tls, {leaf.cert.get(), inter.cert.get()}, leaf.key.get()).outcome.decision.admitted);
  ASSERT_TRUE(handshake(*tls, {leaf.cert.get(), inter.cert.get()}, leaf.key.get()).outcome.chain_cached);

  // Only the root is an anchor: without the intermediate the leaf has no path, whatever was cached for it.
  Result alone = handshake(*tls, {leaf.cert.get()}, leaf.key.get());
  EXPECT_FALSE(alone.outcome.chain_cached);
  EXPECT_FALSE(alone.outcome.decision.admitted);
  EXPECT_EQ(alone.outcome.decision.substatus, 16);
  EXPECT_NE(alone.verify_result, X509_V_OK);
  // A refusal is not cached either.
  EXPECT_FALSE(handshake(*tls, {leaf.cert.get()}, leaf.key.get()).outcome.chain_cached);
}

TEST_F(ChainCacheHandshakeTest, EachServerTlsHasItsOwnCache) {
  auto first = build("");
  ASSERT_FALSE(handshake(*first, {leaf.cert.get(), inter.cert.get()}, leaf.key.get()).outcome.chain_cached);
  ASSERT_TRUE(handshake(*first, {leaf.cert.get(), inter.cert.get()}, leaf.key.get()).outcome.chain_cached);
  // What a reload builds: the same configuration, a new ServerTls, an empty cache.
  auto reloaded = build("");
  EXPECT_FALSE(handshake(*reloaded, {leaf.cert.get(), inter.cert.get()}, leaf.key.get()).outcome.chain_cached);
}

TEST_F(ChainCacheHandshakeTest, ZeroNeverHits) {
  auto tls = build("verified_chain_cache = 0\n");
  for (int n = 0; n < 3; ++n) {
    Result r = handshake(*tls, {leaf.cert.get(), inter.cert.get()}, leaf.key.get());
    EXPECT_FALSE(r.outcome.chain_cached);
    EXPECT_TRUE(r.outcome.decision.admitted);
  }
}

}  // namespace
}  // namespace certgate::tls
