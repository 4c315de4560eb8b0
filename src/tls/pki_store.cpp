#include "tls/pki_store.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tls/digest.hpp"

namespace certgate::tls {
namespace {

namespace fs = std::filesystem;

void write_all(int fd, const std::string& path, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      throw std::runtime_error(path + ": cannot write: " + why);
    }
    done += static_cast<std::size_t>(n);
  }
}

void write_public_file(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(path + ": cannot create: " + std::strerror(errno));
  write_all(fd, path, content);
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error(path + ": cannot write");
}

void make_private_dir(const fs::path& dir) {
  if (fs::exists(dir)) return;
  if (dir.has_parent_path() && dir.parent_path() != dir) make_private_dir(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error(dir.string() + ": cannot create directory: " + std::strerror(errno));
}

std::string id_of(X509* cert) { return digest_of(cert).sha256_hex.substr(0, 16); }

PkiEntry read_entry(const fs::path& pem, bool is_ca, bool retired, const std::string& hostname) {
  PkiEntry e;
  e.id = pem.stem().string();
  e.is_ca = is_ca;
  e.retired = retired;
  e.hostname = hostname;
  e.cert_path = pem.string();
  e.key_path = (pem.parent_path() / (e.id + ".key")).string();
  if (!is_ca) e.upload_body_path = (pem.parent_path() / (e.id + ".upload.json")).string();
  auto certs = read_pem_certs(e.cert_path);
  e.digest = digest_of(certs.front().get());
  struct stat st {};
  if (::stat(e.cert_path.c_str(), &st) == 0)
    e.written_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return e;
}

void scan(const fs::path& root, bool retired, std::vector<PkiEntry>& cas, std::vector<PkiEntry>& edges) {
  std::error_code ec;
  if (fs::is_directory(root / "ca", ec))
    for (const auto& f : fs::directory_iterator(root / "ca"))
      if (f.path().extension() == ".pem") cas.push_back(read_entry(f.path(), true, retired, ""));
  if (fs::is_directory(root / "edge", ec))
    for (const auto& host : fs::directory_iterator(root / "edge")) {
      if (!host.is_directory()) continue;
      for (const auto& f : fs::directory_iterator(host.path()))
        if (f.path().extension() == ".pem")
          edges.push_back(read_entry(f.path(), false, retired, host.path().filename().string()));
    }
}

void by_not_before(std::vector<PkiEntry>& v) {
  std::stable_sort(v.begin(), v.end(), [](const PkiEntry& a, const PkiEntry& b) {
    if (a.digest.not_before != b.digest.not_before) return a.digest.not_before < b.digest.not_before;
    return a.written_ns != b.written_ns ? a.written_ns < b.written_ns : a.id < b.id;
  });
}

// The CA whose key signed the edge certificate (subject names alone could be shared by a second CA).
std::string issuer_among(const PkiEntry& edge, const std::vector<PkiEntry>& cas) {
  auto leaf = read_pem_certs(edge.cert_path);
  for (const PkiEntry& ca : cas) {
    auto ca_cert = read_pem_certs(ca.cert_path);
    EVP_PKEY* ca_key = X509_get0_pubkey(ca_cert.front().get());
    if (ca_key != nullptr && X509_verify(leaf.front().get(), ca_key) == 1) return ca.id;
  }
  ERR_clear_error();
  return "";
}

void move_file(const fs::path& from, const fs::path& to_dir) {
  if (!fs::exists(from)) return;
  make_private_dir(to_dir);
  fs::rename(from, to_dir / from.filename());
}

}  // namespace

void write_private_file(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(path + ": cannot create: " + std::strerror(errno));
  write_all(fd, path, content);
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error(path + ": cannot write");
}

PkiStore::PkiStore(const std::string& dir) : dir_(fs::absolute(dir).lexically_normal().string()) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

std::vector<PkiEntry> PkiStore::entries() const {
  std::vector<PkiEntry> cas, edges;
  scan(dir_, false, cas, edges);
  scan(fs::path(dir_) / "retired", true, cas, edges);
  by_not_before(cas);
  by_not_before(edges);
  for (PkiEntry& e : edges) e.issuer_id = issuer_among(e, cas);
  cas.insert(cas.end(), edges.begin(), edges.end());
  return cas;
}

std::vector<PkiEntry> PkiStore::active_cas() const {
  std::vector<PkiEntry> out;
  for (PkiEntry& e : entries())
    if (e.is_ca && !e.retired) out.push_back(std::move(e));
  return out;
}

std::vector<PkiEntry> PkiStore::active_edges(const std::string& hostname) const {
  std::vector<PkiEntry> out;
  for (PkiEntry& e : entries())
    if (!e.is_ca && !e.retired && e.hostname == hostname) out.push_back(std::move(e));
  return out;
}

PkiEntry PkiStore::add_ca(const Issued& ca) {
  const fs::path dir = fs::path(dir_) / "ca";
  make_private_dir(dir);
  const std::string id = id_of(ca.cert.get());
  write_private_file((dir / (id + ".key")).string(), private_key_pem(ca.key.get()));
  write_public_file((dir / (id + ".pem")).string(), cert_pem(ca.cert.get()));
  rewrite_bundle();
  return read_entry(dir / (id + ".pem"), true, false, "");
}

PkiEntry PkiStore::add_edge(const std::string& hostname, const Issued& leaf, X509* ca_cert,
                            const std::string& upload_body) {
  const fs::path dir = fs::path(dir_) / "edge" / hostname;
  make_private_dir(dir);
  const std::string id = id_of(leaf.cert.get());
  write_private_file((dir / (id + ".key")).string(), private_key_pem(leaf.key.get()));
  write_private_file((dir / (id + ".upload.json")).string(), upload_body);
  write_public_file((dir / (id + ".pem")).string(), cert_pem(leaf.cert.get()) + cert_pem(ca_cert));
  for (PkiEntry& e : active_edges(hostname))
    if (e.id == id) return e;
  throw std::runtime_error(dir.string() + ": the new certificate cannot be read back");
}

Issued PkiStore::newest_ca() const {
  auto cas = active_cas();
  if (cas.empty()) throw std::runtime_error(dir_ + " has no active CA (run `certgate pki init --dir " + dir_ + "`)");
  const PkiEntry& newest = cas.back();
  Issued out;
  out.cert = std::move(read_pem_certs(newest.cert_path).front());
  out.key = read_private_key(newest.key_path);
  if (!key_matches(out.cert.get(), out.key.get()))
    throw std::runtime_error(newest.key_path + ": not the key of " + newest.cert_path);
  return out;
}

PkiEntry PkiStore::retire(const std::string& id) {
  for (PkiEntry& e : entries()) {
    if (e.retired || e.id != id) continue;
    const fs::path to =
        e.is_ca ? fs::path(dir_) / "retired" / "ca" : fs::path(dir_) / "retired" / "edge" / e.hostname;
    make_private_dir(fs::path(dir_) / "retired");
    move_file(e.key_path, to);
    if (!e.is_ca) move_file(e.upload_body_path, to);
    move_file(e.cert_path, to);
    if (e.is_ca) rewrite_bundle();
    e.retired = true;
    e.cert_path = (to / (e.id + ".pem")).string();
    e.key_path = (to / (e.id + ".key")).string();
    if (!e.is_ca) e.upload_body_path = (to / (e.id + ".upload.json")).string();
    return e;
  }
  throw std::runtime_error("no active certificate or CA with id '" + id + "' in " + dir_);
}

void PkiStore::rewrite_bundle() const {
  std::string bundle;
  for (const PkiEntry& ca : active_cas()) bundle += cert_pem(read_pem_certs(ca.cert_path).front().get());
  const std::string tmp = bundle_path() + ".tmp";
  ::unlink(tmp.c_str());
  write_public_file(tmp, bundle);
  if (::rename(tmp.c_str(), bundle_path().c_str()) != 0)
    throw std::runtime_error(bundle_path() + ": cannot replace: " + std::strerror(errno));
}

}  // namespace certgate::tls
