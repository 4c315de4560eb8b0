#include "tls/pki_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace certgate::tls {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/certgate-pki-store-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

unsigned mode_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

Issued make_ca() {
  CertSpec spec;
  spec.subject = {{"CN", "store test CA"}};
  spec.is_ca = true;
  spec.path_len = 0;
  return issue_certificate(spec, nullptr);
}

Issued make_edge(const Issued& ca) {
  CertSpec spec;
  spec.subject = {{"CN", "www.example.com"}};
  spec.dns_names = {"www.example.com"};
  spec.client_auth = true;
  return issue_certificate(spec, &ca);
}

TEST(PkiStore, ModesOfDirectoryKeysAndBody) {
  TempDir tmp;
  PkiStore store((tmp.path / "aop").string());
  const PkiEntry ca = store.add_ca(make_ca());
  EXPECT_EQ(mode_of(store.dir()), 0700u);
  EXPECT_EQ(mode_of(ca.key_path), 0600u);
  const Issued issuer = store.newest_ca();
  const PkiEntry edge = store.add_edge("www.example.com", make_edge(issuer), issuer.cert.get(), "{}\n");
  EXPECT_EQ(mode_of(edge.key_path), 0600u);
  EXPECT_EQ(mode_of(edge.upload_body_path), 0600u);
  EXPECT_EQ(edge.issuer_id, ca.id);
  EXPECT_EQ(read_pem_certs(edge.cert_path).size(), 2u);  // leaf then CA
}

TEST(PkiStore, PrivateFileIsNeverOverwritten) {
  TempDir tmp;
  const std::string path = (tmp.path / "secret").string();
  write_private_file(path, "one");
  EXPECT_THROW(write_private_file(path, "two"), std::runtime_error);
  EXPECT_EQ(read(path), "one");
}

TEST(PkiStore, BundleHoldsEveryActiveCaAndRetireMovesFiles) {
  TempDir tmp;
  PkiStore store(tmp.path.string());
  const PkiEntry first = store.add_ca(make_ca());
  const PkiEntry second = store.add_ca(make_ca());
  EXPECT_EQ(store.active_cas().size(), 2u);
  const std::string bundle = read(store.bundle_path());
  EXPECT_EQ(read_pem_certs(store.bundle_path()).size(), 2u);
  const PkiEntry retired = store.retire(first.id);
  EXPECT_TRUE(retired.retired);
  EXPECT_TRUE(fs::exists(retired.cert_path));
  EXPECT_TRUE(fs::exists(retired.key_path));
  EXPECT_FALSE(fs::exists(first.cert_path));
  ASSERT_EQ(store.active_cas().size(), 1u);
  EXPECT_EQ(store.active_cas().front().id, second.id);
  EXPECT_EQ(read_pem_certs(store.bundle_path()).size(), 1u);
  EXPECT_THROW(store.retire(first.id), std::runtime_error);
}

TEST(PkiStore, NoCaNoIssuer) {
  TempDir tmp;
  PkiStore store(tmp.path.string());
  EXPECT_THROW(store.newest_ca(), std::runtime_error);
  EXPECT_TRUE(store.entries().empty());
}

}  // namespace
}  // namespace certgate::tls
