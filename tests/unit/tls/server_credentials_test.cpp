#include "tls/server_credentials.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "test_pki.hpp"

namespace certgate::tls {
namespace {

using namespace testpki;

LoadError load_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const LoadError& e) {
    return e;
  }
  return LoadError("(no LoadError)");
}

class ServerCredentials : public ::testing::Test {
 protected:
  Issued ca = make_ca("Credentials CA");
  Issued server = make_client(ca, "origin");
  Issued other = make_client(ca, "other");
  TempDir dir;
};

TEST_F(ServerCredentials, ChainAndKeyInEveryFormat) {
  const std::string chain = dir.write("server.pem", pem_of(server.cert.get()) + pem_of(ca.cert.get()));
  std::vector<X509Ptr> certs = load_server_chain(chain);
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(X509_cmp(certs[0].get(), server.cert.get()), 0);
  // DER in a file named .pem: read by its content.
  certs = load_server_chain(dir.write("der.pem", der_of(server.cert.get())));
  ASSERT_EQ(certs.size(), 1u);
  EvpPkeyPtr key = load_server_key(dir.write("server.key", key_pem(server.key.get())));
  EXPECT_EQ(key_mismatch(chain, certs[0].get(), "server.key", key.get()), "");
}

TEST_F(ServerCredentials, KeyOfAnotherCertificateNamesBothFiles) {
  EvpPkeyPtr key = load_server_key(dir.write("other.key", key_pem(other.key.get())));
  EXPECT_EQ(key_mismatch("server.pem", server.cert.get(), "other.key", key.get()),
            "the private key other.key does not match the server certificate server.pem ('CN=origin')");
}

TEST_F(ServerCredentials, SwappedFilesAndPasswordsSayWhatToDo) {
  const std::string cert = dir.write("server.pem", pem_of(server.cert.get()));
  const std::string key = dir.write("server.key", key_pem(server.key.get()));
  LoadError e = load_error([&] { load_server_chain(key); });
  EXPECT_EQ(e.cause(), LoadError::Cause::private_key);
  EXPECT_NE(e.fix().find("swapped"), std::string::npos) << e.what();
  e = load_error([&] { load_server_key(cert); });
  EXPECT_EQ(e.cause(), LoadError::Cause::not_a_key);
  EXPECT_EQ(e.problem(), cert + ": holds a certificate, not a private key");
  EXPECT_NE(e.fix().find("swapped"), std::string::npos) << e.what();

  const std::string pfx = dir.write("site.pfx", pkcs12_of(server, {}, "pw"));
  e = load_error([&] { load_server_chain(pfx); });
  EXPECT_EQ(e.cause(), LoadError::Cause::password_missing);
  EXPECT_NE(e.fix().find("cert and key take no password"), std::string::npos) << e.what();
  const std::string encrypted = dir.write("enc.key", key_pem(server.key.get(), "pw"));
  e = load_error([&] { load_server_key(encrypted); });
  EXPECT_EQ(e.cause(), LoadError::Cause::password_missing);
  EXPECT_NE(e.fix().find("openssl pkey -in " + encrypted), std::string::npos) << e.what();
}

}  // namespace
}  // namespace certgate::tls
