#include "cli/demo.hpp"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/config_flags.hpp"
#include "client/https_client.hpp"
#include "server/echo_upstream.hpp"
#include "server/server.hpp"
#include "tls/pki_generator.hpp"

namespace certgate::cli {
namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  int port = 8443;
  std::string dir;
  bool once = false;
};

bool port_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (ok && port == 0) {
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  }
  ::close(fd);
  return ok;
}

int any_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct DemoPki {
  tls::Issued ca, server, edge, unmapped, rogue_ca, rogue, expired;
};

DemoPki make_pki(const fs::path& dir) {
  DemoPki p;
  tls::CertSpec ca;
  ca.subject = {{"O", "certgate demo"}, {"CN", "certgate demo client CA"}};
  ca.is_ca = true;
  ca.not_after_offset = 7 * 86400;
  p.ca = tls::issue_certificate(ca, nullptr);
  tls::CertSpec server;
  server.subject = {{"CN", "localhost"}};
  server.dns_names = {"localhost"};
  server.ip_addresses = {"127.0.0.1", "::1"};
  server.server_auth = true;
  p.server = tls::issue_certificate(server, &p.ca);
  tls::CertSpec edge;
  edge.subject = {{"O", "Demo CDN"}, {"OU", "edge"}, {"CN", "edge.cdn.example"}};
  edge.client_auth = true;
  p.edge = tls::issue_certificate(edge, &p.ca);
  tls::CertSpec unmapped;
  unmapped.subject = {{"O", "Someone Else"}, {"CN", "intruder.example"}};
  unmapped.client_auth = true;
  p.unmapped = tls::issue_certificate(unmapped, &p.ca);
  tls::CertSpec rogue_ca;
  rogue_ca.subject = {{"O", "certgate demo"}, {"CN", "rogue CA"}};
  rogue_ca.is_ca = true;
  p.rogue_ca = tls::issue_certificate(rogue_ca, nullptr);
  p.rogue = tls::issue_certificate(edge, &p.rogue_ca);  // same subject as the edge, wrong issuer
  tls::CertSpec expired = edge;
  expired.not_before_offset = -30 * 86400;
  expired.not_after_offset = -86400;
  p.expired = tls::issue_certificate(expired, &p.ca);

  auto write = [&](const char* name, const tls::Issued& i) {
    tls::write_pem_file((dir / (std::string(name) + ".pem")).string(), i.cert.get());
    tls::write_key_file((dir / (std::string(name) + ".key")).string(), i.key.get());
  };
  write("ca", p.ca);
  write("server", p.server);
  write("edge", p.edge);
  write("unmapped", p.unmapped);
  write("rogue", p.rogue);
  write("expired", p.expired);
  return p;
}

void write_config(const fs::path& file, int port, int upstream_port) {
  std::ofstream out(file);
  out << "# Written by `certgate demo`: the configuration the demo gateway runs with.\n"
      << "[server]\nlisten = [\"127.0.0.1:" << port << "\"]\nworkers = 1\naccess_log = \"access.log\"\n\n"
      << "[upstream]\nurl = \"http://127.0.0.1:" << upstream_port << "\"\n\n"
      << "[tls]\ncert = \"server.pem\"\nkey = \"server.key\"\nclient_ca = [\"ca.pem\"]\nmode = \"require\"\n\n"
      << "[[mapping.many_to_one]]\nname = \"cdn-edge\"\ndescription = \"the CDN's edge certificate\"\n"
      << "user = \"cdn\"\n"
      << "  [[mapping.many_to_one.rules]]\n  field = \"subject\"\n  subfield = \"CN\"\n  match = \"edge.cdn.example\"\n"
      << "  [[mapping.many_to_one.rules]]\n  field = \"issuer\"\n  subfield = \"CN\"\n"
      << "  match = \"certgate demo client CA\"\n";
}

struct CaseResult {
  std::string name, status, identity, reason;
};

// "403.16 Forbidden: ...\nreason: ...": the refusal body the gateway sends to loopback clients.
CaseResult run_case(const std::string& name, int port, const fs::path& dir, const tls::Issued* client) {
  client::HttpsRequest req;
  req.port = port;
  req.sni = "localhost";
  req.path = "/demo";
  req.ca_file = (dir / "ca.pem").string();
  if (client) {
    req.client_cert = client->cert.get();
    req.client_key = client->key.get();
  }
  client::HttpsResponse res = client::https_request(req);
  CaseResult r{name, "-", "-", ""};
  if (!res.http_ok) {
    r.status = "no response";
    r.reason = !res.tls_error.empty() ? res.tls_error : res.tcp_error;
    return r;
  }
  r.status = std::to_string(res.status);
  if (res.status == 200) {
    auto pos = res.body.find("\"X-Client-Identity\":\"");
    if (pos != std::string::npos) {
      pos += 21;
      r.identity = res.body.substr(pos, res.body.find('"', pos) - pos);
    }
    r.reason = "admitted; origin received X-Client-Identity";
    return r;
  }
  auto first_line = res.body.substr(0, res.body.find('\n'));
  r.status = first_line.substr(0, first_line.find(' '));
  auto rpos = res.body.find("reason: ");
  if (rpos != std::string::npos) r.reason = res.body.substr(rpos + 8, res.body.find('\n', rpos) - rpos - 8);
  return r;
}

void print_table(const std::vector<CaseResult>& rows) {
  std::size_t w[4] = {4, 6, 8, 6};
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.name.size());
    w[1] = std::max(w[1], r.status.size());
    w[2] = std::max(w[2], r.identity.size());
  }
  auto pad = [](const std::string& s, std::size_t n) { return s + std::string(n > s.size() ? n - s.size() : 0, ' '); };
  std::cout << "\n  " << pad("case", w[0]) << "  " << pad("status", w[1]) << "  " << pad("identity", w[2])
            << "  reason\n  " << std::string(w[0], '-') << "  " << std::string(w[1], '-') << "  "
            << std::string(w[2], '-') << "  " << std::string(40, '-') << "\n";
  for (const auto& r : rows)
    std::cout << "  " << pad(r.name, w[0]) << "  " << pad(r.status, w[1]) << "  " << pad(r.identity, w[2]) << "  "
              << r.reason << "\n";
  std::cout << std::endl;
}

int run_demo(const DemoOptions& opts) {
  fs::path dir = opts.dir;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "certgate-demo-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::cerr << "certgate demo: cannot create a temporary directory\n";
      return kExitUsage;
    }
    dir = tmpl;
  }
  fs::create_directories(dir);
  int port = opts.port;
  if (port == 0 || !port_free(port)) {
    int fallback = any_free_port();
    if (port != 0) std::cout << "port " << port << " is busy; using " << fallback << " instead\n";
    port = fallback;
  }
  std::cout << "certgate demo: generating a throw-away PKI in " << dir.string() << "\n";
  DemoPki pki = make_pki(dir);
  server::EchoUpstream upstream;
  write_config(dir / "certgate.toml", port, upstream.port());

  config::Overrides o;
  o.config_file = (dir / "certgate.toml").string();
  auto cfg = load_or_report(o, config::Purpose::serve);
  if (!cfg) return kExitUsage;
  std::shared_ptr<const server::Runtime> rt;
  try {
    rt = server::build_runtime(*cfg, 1);
  } catch (const std::exception& e) {
    std::cerr << "certgate demo: " << e.what() << "\n";
    return kExitUsage;
  }
  server::Server gateway(rt);
  gateway.start();
  std::cout << "gateway on https://127.0.0.1:" << port << " -> echo upstream on http://127.0.0.1:" << upstream.port()
            << " (policy: " << (dir / "certgate.toml").string() << ")\n";

  std::vector<CaseResult> rows;
  rows.push_back(run_case("good edge certificate", port, dir, &pki.edge));
  rows.push_back(run_case("no certificate", port, dir, nullptr));
  rows.push_back(run_case("rogue CA, same subject", port, dir, &pki.rogue));
  rows.push_back(run_case("expired certificate", port, dir, &pki.expired));
  rows.push_back(run_case("trusted but unmapped", port, dir, &pki.unmapped));
  print_table(rows);

  std::string d = dir.string();
  std::string base = "curl --cacert " + d + "/ca.pem https://localhost:" + std::to_string(port) + "/";
  std::cout << "Try it yourself:\n"
            << "  " << base << " --cert " << d << "/edge.pem --key " << d << "/edge.key\n"
            << "  " << base << "\n"
            << "  " << base << " --cert " << d << "/rogue.pem --key " << d << "/rogue.key\n"
            << "  " << base << " --cert " << d << "/expired.pem --key " << d << "/expired.key\n"
            << "Access log: " << d << "/access.log\n";
  if (opts.once) {
    gateway.stop();
    gateway.wait();
    bool ok = rows[0].status == "200" && rows[1].status == "403.7" && rows[2].status == "403.16" &&
              rows[3].status == "403.17" && rows[4].status == "401.2";
    return ok ? kExitOk : kExitFinding;
  }
  std::cout << "Serving until Ctrl-C.\n" << std::flush;
  return gateway.wait();
}

}  // namespace

void register_demo(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<DemoOptions>();
  CLI::App* sub = app.add_subcommand("demo", "run the gateway on loopback with a generated PKI and show its verdicts");
  sub->footer(R"(Examples:
  certgate demo                 # port 8443 (or a free one), keeps serving until Ctrl-C
  certgate demo --once          # print the table and exit (status 0 when every verdict is as expected)
  certgate demo --dir ./demo    # keep the generated PKI and configuration in ./demo)");
  sub->add_option("--port", opts->port, "gateway port on 127.0.0.1 (0 = any free port)")->capture_default_str();
  sub->add_option("--dir", opts->dir, "where to write the PKI and configuration (default: a new temporary directory)");
  sub->add_flag("--once", opts->once, "exit after printing the table");
  sub->callback([opts, exit_code] { *exit_code = run_demo(*opts); });
}

}  // namespace certgate::cli
