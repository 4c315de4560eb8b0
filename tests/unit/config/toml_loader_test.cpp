#include <gtest/gtest.h>

#include "config/cert_text.hpp"
#include "config/load.hpp"
#include "config_test_support.hpp"
#include "core/compiled_policy.hpp"
#include "core/decision.hpp"
#include "core/sha256.hpp"

namespace certgate::config {
namespace {

using core::ClientCertMode;
using test_support::kLeafDer;
using test_support::kLeafPem;
using test_support::kLeafSha256;
using test_support::read_bytes;
using test_support::TempDir;

// The leaf's DER as an IIS-style blob, wrapped at 64 characters with indentation (whitespace tolerated).
std::string wrapped_blob() {
  std::string blob = base64_encode(read_bytes(kLeafDer));
  std::string wrapped;
  for (std::size_t i = 0; i < blob.size(); i += 64) wrapped += "\n    " + blob.substr(i, 64);
  return wrapped + "\n";
}

TEST(TomlLoader, EveryKeyOfAFullConfiguration) {
  TempDir dir;
  dir.write("conf/certs/leaf.pem", read_bytes(kLeafPem));
  std::string toml = R"([server]
listen = ["127.0.0.1:8443", "[::1]:9443"]
workers = 4
reject = "handshake"
detailed_errors = "off"
access_log = "logs/access.log"
log_format = "json"
log_level = "debug"

[limits]
handshake_timeout = "5s"
header_timeout = "250ms"
idle_timeout = "2m"
body_timeout = 30
upstream_connect_timeout = "1s"
upstream_response_timeout = "1h"
drain_timeout = "0s"
max_header_bytes = "32KiB"
max_body_bytes = "1GiB"
max_connections = 500
session_cache = 64

[upstream]
url = "https://origin.internal:8443/"
ca = "upstream-ca.pem"
verify = false
server_name = "origin.example.com"
max_idle_per_worker = 8

[headers]
verify = "X-Verify"
identity = "X-Id"
mapping = "X-Map"
subject = "X-Subject"
issuer = "X-Issuer"
fingerprint = "X-Fp"
serial = "X-Serial"
client_cert = "X-Cert"

[tls]
cert = "server.pem"
key = "/etc/certgate/server.key"
client_ca = ["ca/current.pem", "ca/next.pem"]
crl = ["ca.crl"]
mode = "accept"
verify_depth = 3
min_version = "1.3"

[mapping]
one_to_one_enabled = false
many_to_one_enabled = true
anonymous = true

[[mapping.one_to_one]]
user = "alice"
blob = """)" + wrapped_blob() + R"("""
name = "alice-laptop"
enabled = false
password = "[enc:AesProvider:57686f6120447564652c2049495320526f636b73:enc]"

[[mapping.one_to_one]]
user = "bob"
certificate = "certs/leaf2.pem"

[[mapping.many_to_one]]
name = "staff"
description = "all staff"
enabled = true
permission = "allow"
user = "staff-user"
password = "secret"

[[mapping.many_to_one.rules]]
field = "issuer"
subfield = "O"
match = "CloudFlare*"
case_sensitive = false

[[mapping.many_to_one.rules]]
field = "subject"
subfield = "ST"
match = "California"

[[mapping.many_to_one]]
name = "blocked"
permission = "deny"
enabled = false

[[host]]
names = ["API.example.com", "*.api.example.com"]
cert = "api.pem"
key = "api.key"
client_ca = ["api-ca.pem"]
crl = []
mode = "require"
verify_depth = 1
min_version = "1.2"

[host.mapping]
anonymous = false
)";
  // bob's certificate is a different certificate than alice's blob: a DER one (same bytes would be a duplicate).
  std::string other_der = std::string("\x30\x03\x02\x01\x07", 5);
  dir.write("conf/certs/leaf2.pem", "-----BEGIN CERTIFICATE-----\n" + base64_encode(other_der) + "\n-----END CERTIFICATE-----\n");
  std::string file = dir.write("conf/certgate.toml", toml);
  std::string conf = dir.path("conf");

  GatewayConfig config = load_toml_file(file);

  EXPECT_EQ(config.source_file, file);
  ASSERT_EQ(config.listen.size(), 2u);
  EXPECT_EQ(config.listen[0].host, "127.0.0.1");
  EXPECT_EQ(config.listen[0].port, 8443);
  EXPECT_EQ(config.listen[0].where.line, 2);
  EXPECT_EQ(config.listen[0].where.column, 11);
  EXPECT_EQ(config.listen[1].host, "::1");
  EXPECT_EQ(config.listen[1].port, 9443);
  EXPECT_EQ(config.workers, 4);
  EXPECT_EQ(config.reject, RejectMode::handshake);
  EXPECT_EQ(config.detailed_errors, DetailedErrors::off);
  EXPECT_EQ(config.access_log, conf + "/logs/access.log");
  EXPECT_EQ(config.log_format, LogFormat::json);
  EXPECT_EQ(config.log_level, "debug");

  EXPECT_EQ(config.limits.handshake_timeout, Millis{5'000});
  EXPECT_EQ(config.limits.header_timeout, Millis{250});
  EXPECT_EQ(config.limits.idle_timeout, Millis{120'000});
  EXPECT_EQ(config.limits.body_timeout, Millis{30'000});
  EXPECT_EQ(config.limits.upstream_connect_timeout, Millis{1'000});
  EXPECT_EQ(config.limits.upstream_response_timeout, Millis{3'600'000});
  EXPECT_EQ(config.limits.drain_timeout, Millis{0});
  EXPECT_EQ(config.limits.max_header_bytes, 32u * 1024);
  EXPECT_EQ(config.limits.max_body_bytes, 1024ull * 1024 * 1024);
  EXPECT_EQ(config.limits.max_connections, 500u);
  EXPECT_EQ(config.limits.session_cache, 64u);

  EXPECT_EQ(config.upstream.url, "https://origin.internal:8443/");
  EXPECT_TRUE(config.upstream.tls);
  EXPECT_EQ(config.upstream.host, "origin.internal");
  EXPECT_EQ(config.upstream.port, 8443);
  EXPECT_EQ(config.upstream.ca_file, conf + "/upstream-ca.pem");
  EXPECT_FALSE(config.upstream.verify);
  EXPECT_EQ(config.upstream.server_name, "origin.example.com");
  EXPECT_EQ(config.upstream.max_idle_per_worker, 8u);

  EXPECT_EQ(config.headers.verify, "X-Verify");
  EXPECT_EQ(config.headers.identity, "X-Id");
  EXPECT_EQ(config.headers.mapping, "X-Map");
  EXPECT_EQ(config.headers.subject, "X-Subject");
  EXPECT_EQ(config.headers.issuer, "X-Issuer");
  EXPECT_EQ(config.headers.fingerprint, "X-Fp");
  EXPECT_EQ(config.headers.serial, "X-Serial");
  EXPECT_EQ(config.headers.client_cert, "X-Cert");

  const HostPolicy& base = config.default_host;
  EXPECT_EQ(base.name, "default");
  EXPECT_TRUE(base.server_names.empty());
  EXPECT_EQ(base.tls.cert_file, conf + "/server.pem");
  EXPECT_EQ(base.tls.key_file, "/etc/certgate/server.key");
  EXPECT_EQ(base.tls.client_ca, (std::vector<std::string>{conf + "/ca/current.pem", conf + "/ca/next.pem"}));
  EXPECT_EQ(base.tls.crl, std::vector<std::string>{conf + "/ca.crl"});
  EXPECT_EQ(base.tls.mode, ClientCertMode::accept);
  EXPECT_EQ(base.tls.verify_depth, 3);
  EXPECT_EQ(base.tls.min_version, "1.3");
  EXPECT_FALSE(base.iis.has_value());

  const core::MappingPolicy& mapping = base.mapping;
  EXPECT_FALSE(mapping.one_to_one_enabled);
  EXPECT_TRUE(mapping.many_to_one_enabled);
  EXPECT_TRUE(mapping.anonymous);
  ASSERT_EQ(mapping.one_to_one.size(), 2u);
  EXPECT_EQ(mapping.one_to_one[0].user, "alice");
  EXPECT_EQ(mapping.one_to_one[0].name, "alice-laptop");
  EXPECT_FALSE(mapping.one_to_one[0].enabled);
  EXPECT_EQ(mapping.one_to_one[0].password, "[enc:AesProvider:57686f6120447564652c2049495320526f636b73:enc]");
  EXPECT_EQ(core::sha256_hex(mapping.one_to_one[0].der), kLeafSha256);
  EXPECT_EQ(mapping.one_to_one[0].where.line, 54);
  EXPECT_EQ(mapping.one_to_one[1].user, "bob");
  EXPECT_EQ(mapping.one_to_one[1].name, "bob");  // name defaults to the user
  EXPECT_TRUE(mapping.one_to_one[1].enabled);
  EXPECT_EQ(mapping.one_to_one[1].der, other_der);

  ASSERT_EQ(mapping.many_to_one.size(), 2u);
  const core::ManyToOneMapping& staff = mapping.many_to_one[0];
  EXPECT_EQ(staff.name, "staff");
  EXPECT_EQ(staff.description, "all staff");
  EXPECT_TRUE(staff.enabled);
  EXPECT_EQ(staff.permission, core::Permission::allow);
  EXPECT_EQ(staff.user, "staff-user");
  EXPECT_EQ(staff.password, "secret");
  ASSERT_EQ(staff.rules.size(), 2u);
  EXPECT_EQ(staff.rules[0].field, core::RuleField::issuer);
  EXPECT_EQ(staff.rules[0].subfield, "O");
  EXPECT_EQ(staff.rules[0].match, "CloudFlare*");
  EXPECT_FALSE(staff.rules[0].case_sensitive);
  EXPECT_EQ(staff.rules[1].field, core::RuleField::subject);
  EXPECT_EQ(staff.rules[1].subfield, "ST");  // kept as written
  EXPECT_TRUE(staff.rules[1].case_sensitive);
  const core::ManyToOneMapping& blocked = mapping.many_to_one[1];
  EXPECT_EQ(blocked.permission, core::Permission::deny);
  EXPECT_FALSE(blocked.enabled);
  EXPECT_TRUE(blocked.user.empty());
  EXPECT_TRUE(blocked.rules.empty());

  ASSERT_EQ(config.hosts.size(), 1u);
  const HostPolicy& api = config.hosts[0];
  EXPECT_EQ(api.name, "api.example.com");
  EXPECT_EQ(api.server_names, (std::vector<std::string>{"api.example.com", "*.api.example.com"}));
  EXPECT_EQ(api.tls.cert_file, conf + "/api.pem");
  EXPECT_EQ(api.tls.key_file, conf + "/api.key");
  EXPECT_EQ(api.tls.client_ca, std::vector<std::string>{conf + "/api-ca.pem"});
  EXPECT_TRUE(api.tls.crl.empty());  // an explicit empty list is not inherited
  EXPECT_EQ(api.tls.mode, ClientCertMode::require);
  EXPECT_EQ(api.tls.verify_depth, 1);
  EXPECT_EQ(api.tls.min_version, "1.2");
  EXPECT_FALSE(api.mapping.anonymous);
  EXPECT_TRUE(api.mapping.one_to_one_enabled);
  EXPECT_FALSE(api.mapping.has_mappings());  // its own [host.mapping] replaces the whole policy
}

TEST(TomlLoader, DefaultsOfAnEmptyFile) {
  GatewayConfig config = parse_toml("", "empty.toml");
  EXPECT_TRUE(config.listen.empty());
  EXPECT_EQ(config.workers, 0);
  EXPECT_EQ(config.reject, RejectMode::http);
  EXPECT_EQ(config.detailed_errors, DetailedErrors::local);
  EXPECT_EQ(config.access_log, "-");
  EXPECT_EQ(config.log_format, LogFormat::text);
  EXPECT_EQ(config.log_level, "info");
  EXPECT_EQ(config.limits.handshake_timeout, Millis{10'000});
  EXPECT_EQ(config.limits.header_timeout, Millis{10'000});
  EXPECT_EQ(config.limits.idle_timeout, Millis{930'000});  // beyond Cloudflare's 900 s
  EXPECT_EQ(config.limits.body_timeout, Millis{60'000});
  EXPECT_EQ(config.limits.upstream_connect_timeout, Millis{5'000});
  EXPECT_EQ(config.limits.upstream_response_timeout, Millis{60'000});
  EXPECT_EQ(config.limits.drain_timeout, Millis{10'000});
  EXPECT_EQ(config.limits.max_header_bytes, 16u * 1024);
  EXPECT_EQ(config.limits.max_body_bytes, 100ull * 1024 * 1024);
  EXPECT_EQ(config.limits.max_connections, 10'000u);
  EXPECT_EQ(config.limits.session_cache, 20'480u);
  EXPECT_EQ(config.limits.verified_chain_cache, 256u);
  EXPECT_TRUE(config.upstream.url.empty());
  EXPECT_TRUE(config.upstream.ca_file.empty());
  EXPECT_TRUE(config.upstream.verify);
  EXPECT_EQ(config.upstream.max_idle_per_worker, 32u);
  EXPECT_EQ(config.headers.verify, "X-Client-Verify");
  EXPECT_EQ(config.headers.client_cert, "Client-Cert");
  EXPECT_EQ(config.default_host.name, "default");
  EXPECT_TRUE(config.default_host.tls.cert_file.empty());
  EXPECT_TRUE(config.default_host.tls.client_ca.empty());
  EXPECT_EQ(config.default_host.tls.mode, ClientCertMode::require);
  EXPECT_EQ(config.default_host.tls.verify_depth, 2);
  EXPECT_EQ(config.default_host.tls.min_version, "1.2");
  EXPECT_TRUE(config.default_host.mapping.one_to_one_enabled);
  EXPECT_TRUE(config.default_host.mapping.many_to_one_enabled);
  EXPECT_FALSE(config.default_host.mapping.anonymous);
  EXPECT_FALSE(config.default_host.mapping.has_mappings());
  EXPECT_FALSE(config.default_host.iis.has_value());
  EXPECT_TRUE(config.hosts.empty());
}

TEST(TomlLoader, UpstreamUrlForms) {
  auto plain = parse_toml("[upstream]\nurl = \"http://127.0.0.1\"\n", "u.toml").upstream;
  EXPECT_FALSE(plain.tls);
  EXPECT_EQ(plain.host, "127.0.0.1");
  EXPECT_EQ(plain.port, 80);
  auto secure = parse_toml("[upstream]\nurl = \"HTTPS://origin.example.com\"\n", "u.toml").upstream;
  EXPECT_TRUE(secure.tls);
  EXPECT_EQ(secure.port, 443);
  auto v6 = parse_toml("[upstream]\nurl = \"http://[::1]:8080/\"\n", "u.toml").upstream;
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 8080);
  for (const char* bad : {"ftp://x", "http://", "http://x/app", "http://x?q=1", "http://x:0", "http://x:99999",
                          "http://user@x", "x:80", "http://x:"}) {
    std::string text = std::string("[upstream]\nurl = \"") + bad + "\"\n";
    EXPECT_CONFIG_ERROR_AT(parse_toml(text, "u.toml"), 2, 7, "[upstream] url");
  }
}

TEST(TomlLoader, RelativePathsFollowTheFile) {
  std::string toml = R"([tls]
cert = "server.pem"
key = "../keys/server.key"
client_ca = ["/abs/ca.pem", "ca"]
[server]
access_log = "-"
[upstream]
ca = "up/ca.pem"
)";
  GatewayConfig absolute = parse_toml(toml, "/srv/certgate/conf/certgate.toml");
  EXPECT_EQ(absolute.default_host.tls.cert_file, "/srv/certgate/conf/server.pem");
  EXPECT_EQ(absolute.default_host.tls.key_file, "/srv/certgate/keys/server.key");
  EXPECT_EQ(absolute.default_host.tls.client_ca, (std::vector<std::string>{"/abs/ca.pem", "/srv/certgate/conf/ca"}));
  EXPECT_EQ(absolute.access_log, "-");
  EXPECT_EQ(absolute.upstream.ca_file, "/srv/certgate/conf/up/ca.pem");

  GatewayConfig relative = parse_toml(toml, "conf/certgate.toml");
  EXPECT_EQ(relative.default_host.tls.cert_file, "conf/server.pem");
  EXPECT_EQ(relative.default_host.tls.key_file, "keys/server.key");

  GatewayConfig here = parse_toml(toml, "certgate.toml");
  EXPECT_EQ(here.default_host.tls.cert_file, "server.pem");
}

TEST(TomlLoader, SessionTicketKeysAreFilesWithTheirPositions) {
  GatewayConfig none = parse_toml("", "/etc/certgate/certgate.toml");
  EXPECT_TRUE(none.session_ticket_keys.empty());
  GatewayConfig cfg = parse_toml("[tls]\nsession_ticket_keys = [\"ticket.key\", \"/keys/old.key\"]\n",
                                 "/etc/certgate/certgate.toml");
  ASSERT_EQ(cfg.session_ticket_keys.size(), 2u);
  EXPECT_EQ(cfg.session_ticket_keys[0].path, "/etc/certgate/ticket.key");
  EXPECT_EQ(cfg.session_ticket_keys[0].where.line, 2);
  EXPECT_EQ(cfg.session_ticket_keys[0].where.column, 24);
  EXPECT_EQ(cfg.session_ticket_keys[1].path, "/keys/old.key");
  EXPECT_EQ(cfg.session_ticket_keys[1].where.column, 38);

  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nsession_ticket_keys = [\"a.key\", \"\"]\n", "c.toml"), 2, 33, "empty path");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nsession_ticket_keys = [\"a.key\", \"./a.key\"]\n", "c.toml"), 2, 33,
                         "already listed at c.toml:2:24");
  // One key set for the process: a [[host]] block has no such key.
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"b.test\"]\nsession_ticket_keys = [\"a.key\"]\n", "c.toml"), 3,
                         1, "session_ticket_keys");
}

TEST(TomlLoader, HostsInheritWhatTheyDoNotSet) {
  std::string toml = R"([tls]
cert = "/c/default.pem"
key = "/c/default.key"
client_ca = ["/c/ca.pem"]
crl = ["/c/ca.crl"]
mode = "accept"
verify_depth = 4
min_version = "1.3"

[[mapping.many_to_one]]
name = "everyone"
user = "guest"

[[host]]
names = ["a.example.com"]

[[host]]
names = ["b.example.com", "*.b.example.com"]
client_ca = ["/c/b-ca.pem"]
mode = "ignore"
[host.mapping]
anonymous = true
)";
  GatewayConfig config = parse_toml(toml, "/c/certgate.toml");
  ASSERT_EQ(config.hosts.size(), 2u);
  const HostPolicy& a = config.hosts[0];
  EXPECT_EQ(a.name, "a.example.com");
  EXPECT_EQ(a.where.line, 14);
  EXPECT_EQ(a.tls.cert_file, "/c/default.pem");
  EXPECT_EQ(a.tls.key_file, "/c/default.key");
  EXPECT_EQ(a.tls.client_ca, std::vector<std::string>{"/c/ca.pem"});
  EXPECT_EQ(a.tls.crl, std::vector<std::string>{"/c/ca.crl"});
  EXPECT_EQ(a.tls.mode, ClientCertMode::accept);
  EXPECT_EQ(a.tls.verify_depth, 4);
  EXPECT_EQ(a.tls.min_version, "1.3");
  ASSERT_EQ(a.mapping.many_to_one.size(), 1u);
  EXPECT_EQ(a.mapping.many_to_one[0].name, "everyone");

  const HostPolicy& b = config.hosts[1];
  EXPECT_EQ(b.name, "b.example.com");
  EXPECT_EQ(b.tls.cert_file, "/c/default.pem");
  EXPECT_EQ(b.tls.client_ca, std::vector<std::string>{"/c/b-ca.pem"});
  EXPECT_EQ(b.tls.mode, ClientCertMode::ignore);
  EXPECT_EQ(b.tls.verify_depth, 4);
  EXPECT_TRUE(b.mapping.anonymous);
  EXPECT_TRUE(b.mapping.many_to_one.empty());
}

TEST(TomlLoader, ModeIgnoreWithClientCaIsAllowed) {
  GatewayConfig config = parse_toml("[tls]\nmode = \"ignore\"\nclient_ca = [\"/ca.pem\"]\n", "t.toml");
  EXPECT_EQ(config.default_host.tls.mode, ClientCertMode::ignore);
  EXPECT_EQ(config.default_host.tls.client_ca.size(), 1u);
}

TEST(TomlLoader, OneToOneCertificateFileIsReadAndConverted) {
  TempDir dir;
  dir.write("leaf.pem", read_bytes(kLeafPem));
  dir.write("leaf.der", read_bytes(kLeafDer));
  std::string file = dir.write("certgate.toml", "[[mapping.one_to_one]]\nuser = \"a\"\ncertificate = \"leaf.pem\"\n");
  auto from_pem = load_toml_file(file).default_host.mapping.one_to_one;
  ASSERT_EQ(from_pem.size(), 1u);
  EXPECT_EQ(core::sha256_hex(from_pem[0].der), kLeafSha256);

  file = dir.write("certgate.toml", "[[mapping.one_to_one]]\nuser = \"a\"\ncertificate = \"leaf.der\"\n");
  EXPECT_EQ(core::sha256_hex(load_toml_file(file).default_host.mapping.one_to_one.at(0).der), kLeafSha256);
}

TEST(TomlLoader, OneToOneCertificateFileErrorsPointAtTheKey) {
  TempDir dir;
  dir.write("notes.txt", "not a certificate\n");
  std::string missing = dir.write("a.toml", "[[mapping.one_to_one]]\nuser = \"a\"\ncertificate = \"gone.pem\"\n");
  EXPECT_CONFIG_ERROR_AT(load_toml_file(missing), 3, 15, "cannot read '" + dir.path("gone.pem") + "'");
  std::string junk = dir.write("b.toml", "[[mapping.one_to_one]]\nuser = \"a\"\ncertificate = \"notes.txt\"\n");
  EXPECT_CONFIG_ERROR_AT(load_toml_file(junk), 3, 15, "no certificate in");
}

TEST(TomlLoader, OpenSslGeneratedCertificate) {
  TempDir dir;
  std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=t -keyout '" +
                        dir.path("k.pem") + "' -out '" + dir.path("c.pem") + "' -days 2 >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "openssl command not available";
  std::string file = dir.write("certgate.toml", "[[mapping.one_to_one]]\nuser = \"t\"\ncertificate = \"c.pem\"\n");
  auto mappings = load_toml_file(file).default_host.mapping.one_to_one;
  ASSERT_EQ(mappings.size(), 1u);
  EXPECT_EQ(mappings[0].der, pem_certificates(read_bytes(dir.path("c.pem"))).at(0));
  EXPECT_EQ(static_cast<unsigned char>(mappings[0].der[0]), 0x30);
}

// ---- errors, each with the exact position it reports ----

TEST(TomlErrors, UnknownKeySuggestsTheClosest) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nlisen = [\"127.0.0.1:1\"]\n", "t.toml"), 2, 1,
                         "unknown key 'lisen' in [server]; did you mean 'listen'?");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[sever]\n", "t.toml"), 1, 2,
                         "unknown key 'sever' at the top level; did you mean 'server'?");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.b\"]\n[host.mapping]\nanonimous = true\n", "t.toml"), 4, 1,
                         "unknown key 'anonimous' in [host.mapping]; did you mean 'anonymous'?");
  auto far = test_support::capture_error([] { parse_toml("[tls]\ncompletely_different = 1\n", "t.toml"); });
  EXPECT_EQ(far.message(), "unknown key 'completely_different' in [tls]");
  EXPECT_EQ(far.where().to_string(), "t.toml:2:1");
}

TEST(TomlErrors, WrongType) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nmode = 3\n", "t.toml"), 2, 8, "[tls] mode: expected a string");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nworkers = \"4\"\n", "t.toml"), 2, 11, "[server] workers: expected an integer");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstream]\nverify = \"yes\"\n", "t.toml"), 2, 10, "[upstream] verify: expected true or false");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nlisten = \"127.0.0.1:1\"\n", "t.toml"), 2, 10,
                         "[server] listen: expected an array of strings");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nclient_ca = [\"a\", 2]\n", "t.toml"), 2, 19, "[tls] client_ca: expected an array of strings");
  EXPECT_CONFIG_ERROR_AT(parse_toml("\nserver = 1\n", "t.toml"), 2, 10, "server: expected a table");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping.one_to_one]\nuser = \"a\"\n", "t.toml"), 1, 1,
                         "expected an array of tables ([[mapping.one_to_one]])");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[host]\nnames = [\"a.b\"]\n", "t.toml"), 1, 1, "expected an array of tables ([[host]])");
}

TEST(TomlErrors, BadEnumListsTheAllowedValues) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nmode = \"requir\"\n", "t.toml"), 2, 8,
                         "[tls] mode: 'requir' is not allowed; expected one of: ignore, accept, require");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nlog_level = \"verbose\"\n", "t.toml"), 2, 13,
                         "expected one of: trace, debug, info, warn, error, off");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nmin_version = \"1.1\"\n", "t.toml"), 2, 15, "expected one of: 1.2, 1.3");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.many_to_one]]\nname = \"n\"\npermission = \"Allow \"\n", "t.toml"), 3, 14,
                         "expected one of: allow, deny");
}

TEST(TomlErrors, BadDurationAndSize) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nidle_timeout = \"10x\"\n", "t.toml"), 2, 16,
                         "[limits] idle_timeout: '10x' is not a duration");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nidle_timeout = -5\n", "t.toml"), 2, 16, "cannot be negative");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nheader_timeout = \"0s\"\n", "t.toml"), 2, 18, "greater than zero");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nmax_body_bytes = \"1 MiB\"\n", "t.toml"), 2, 18, "is not a size");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nmax_body_bytes = 1.5\n", "t.toml"), 2, 18, "expected a size string");
}

TEST(TomlErrors, OutOfRangeNumbers) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\nverify_depth = 17\n", "t.toml"), 2, 16, "17 is out of range (0..16)");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nworkers = -1\n", "t.toml"), 2, 11, "out of range");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nmax_connections = 0\n", "t.toml"), 2, 19, "out of range");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nsession_cache = -1\n", "t.toml"), 2, 17, "out of range");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nverified_chain_cache = -1\n", "t.toml"), 2, 24, "out of range");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nverified_chain_cache = 1000001\n", "t.toml"), 2, 24, "out of range");
}

TEST(TomlLoader, VerifiedChainCacheIsReadAndZeroTurnsItOff) {
  EXPECT_EQ(parse_toml("[limits]\nverified_chain_cache = 32\n", "t.toml").limits.verified_chain_cache, 32u);
  EXPECT_EQ(parse_toml("[limits]\nverified_chain_cache = 0\n", "t.toml").limits.verified_chain_cache, 0u);
  EXPECT_CONFIG_ERROR_AT(parse_toml("[limits]\nverified_chain_cache = \"big\"\n", "t.toml"), 2, 24, "integer");
}

TEST(TomlErrors, BadAndDuplicateListenAddresses) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nlisten = [\"127.0.0.1:8443\", \"nope\"]\n", "t.toml"), 2, 29,
                         "'nope' is not a listen address");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nlisten = [\"127.0.0.1:70000\"]\n", "t.toml"), 2, 11, "not a listen address");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nlisten = [\"[::1]:8443\",\n  \"[::1]:8443\"]\n", "t.toml"), 3, 3,
                         "listen address '[::1]:8443' is given twice");
}

TEST(TomlErrors, HostNames) {
  std::string duplicate = "[[host]]\nnames = [\"a.example.com\"]\n\n[[host]]\nnames = [\"b.example.com\", \"A.Example.com\"]\n";
  EXPECT_CONFIG_ERROR_AT(parse_toml(duplicate, "t.toml"), 5, 27,
                         "'A.Example.com' is already claimed by the [[host]] block at t.toml:1:1");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"x.com\", \"x.com\"]\n", "t.toml"), 2, 19, "already claimed by this block");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"bad_name.com\"]\n", "t.toml"), 2, 10, "is not a host name");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"*\"]\n", "t.toml"), 2, 10, "is not a host name");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = []\n", "t.toml"), 2, 9, "at least one");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[tls]\n\n[[host]]\nmode = \"ignore\"\n", "t.toml"), 3, 1,
                         "[[host]]: missing required key 'names'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.b\"]\ncert = \"a.pem\"\n", "t.toml"), 1, 1,
                         "cert is set but key is not");
}

TEST(TomlErrors, MappingEntries) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.one_to_one]]\nuser = \"a\"\nblob = \"not base64!\"\n", "t.toml"), 3, 8,
                         "[[mapping.one_to_one]] blob: not base64");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.one_to_one]]\nuser = \"a\"\nblob = \"aGVsbG8=\"\n", "t.toml"), 3, 8,
                         "blob: base64 of 5 bytes that are not a DER certificate");
  // What is pasted instead of a blob is named, as for the IIS attribute.
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.one_to_one]]\nuser = \"a\"\nblob = \"-----BEGIN CERTIFICATE-----\\nMAA=\\n"
                                    "-----END CERTIFICATE-----\"\n", "t.toml"),
                         3, 8, "blob: PEM armour (-----BEGIN CERTIFICATE-----); expected the certificate's DER");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.one_to_one]]\nuser = \"a\"\nblob = \"9e060ffe9e591c7a3083b13fa22bb481fd10c94e\"\n",
                                    "t.toml"),
                         3, 8, "blob: a SHA-1 thumbprint (40 hex digits), not the certificate itself");
  EXPECT_CONFIG_ERROR_AT(parse_toml("\n[[mapping.one_to_one]]\nuser = \"a\"\n", "t.toml"), 2, 1,
                         "missing required key 'certificate' or 'blob'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.one_to_one]]\nblob = \"MAA=\"\n", "t.toml"), 1, 1, "missing required key 'user'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.one_to_one]]\nuser = \"a\"\nblob = \"MAA=\"\n[[mapping.one_to_one]]\nuser = \"b\"\n"
                                    "blob = \"MAA=\"\n", "t.toml"),
                         4, 1, "the same certificate is already mapped at t.toml:1:1");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.many_to_one]]\nuser = \"u\"\n", "t.toml"), 1, 1, "missing required key 'name'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.many_to_one]]\nname = \"n\"\n", "t.toml"), 1, 1, "missing required key 'user'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.many_to_one]]\nname = \"n\"\nuser = \"u\"\n[[mapping.many_to_one.rules]]\n"
                                    "field = \"subject\"\nsubfield = \"XX\"\nmatch = \"*\"\n", "t.toml"),
                         6, 12, "unknown subfield 'XX'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.many_to_one]]\nname = \"n\"\nuser = \"u\"\n[[mapping.many_to_one.rules]]\n"
                                    "field = \"subjekt\"\n", "t.toml"),
                         5, 9, "[[mapping.many_to_one.rules]] field: 'subjekt' is not allowed; expected one of: subject, issuer");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.many_to_one]]\nname = \"n\"\nuser = \"u\"\n[[mapping.many_to_one.rules]]\n"
                                    "field = \"subject\"\nsubfield = \"CN\"\n", "t.toml"),
                         4, 1, "missing required key 'match'");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.many_to_one]]\nname = \"n\"\nuser = \"u\"\n[[mapping.many_to_one]]\nname = \"N\"\n"
                                    "user = \"u\"\n", "t.toml"),
                         4, 1, "a mapping named 'N' already exists");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping]\niis_config = \"web.config\"\n[[mapping.one_to_one]]\nuser = \"a\"\nblob = \"MAA=\"\n",
                                    "t.toml"),
                         3, 1, "cannot be combined with iis_config");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping]\niis_location = \"site\"\n", "t.toml"), 2, 16, "needs iis_config");
}

// ---- chain-only: chosen with a key, never reached by leaving the mappings out ----

core::Decision decide_verified(const core::MappingPolicy& mapping, const core::CertDigest& cert) {
  const auto compiled = core::CompiledPolicy::compile(mapping, ClientCertMode::require);
  return core::decide(*compiled, &cert, core::VerifyResult{core::VerifyStatus::ok, 0, -1, ""});
}

core::CertDigest cert_with_cn(const std::string& cn) {
  core::CertDigest cert;
  cert.subject.attributes.push_back({"2.5.4.3", "CN", cn});
  cert.subject.rfc4514 = "CN=" + cn;
  cert.der = "DER of " + cn;
  return cert;
}

TEST(TomlLoader, NoMappingsIsNotChainOnly) {
  for (const char* text : {"", "[mapping]\n", "[mapping]\nanonymous = false\n", "[mapping]\nchain_only = false\n"}) {
    GatewayConfig config = parse_toml(text, "t.toml");
    EXPECT_FALSE(config.default_host.mapping.chain_only) << text;
    const core::Decision d = decide_verified(config.default_host.mapping, cert_with_cn("edge.example.com"));
    EXPECT_EQ(d.status_text(), "401.2") << text;
    EXPECT_NE(d.reason.find("no mapping is configured"), std::string::npos) << d.reason;
  }
}

TEST(TomlLoader, ChainOnlyIsChosenWithAKey) {
  GatewayConfig config = parse_toml("[mapping]\nchain_only = true\n", "t.toml");
  EXPECT_TRUE(config.default_host.mapping.chain_only);
  EXPECT_EQ(config.default_host.mapping.where.to_string(), "t.toml:1:1");
  const core::Decision d = decide_verified(config.default_host.mapping, cert_with_cn("edge.example.com"));
  EXPECT_TRUE(d.admitted) << d.reason;
  EXPECT_EQ(d.identity, "edge.example.com");
  EXPECT_EQ(d.mapping, "(chain)");
}

TEST(TomlLoader, HostMappingChoosesChainOnlyForItsBlockOnly) {
  GatewayConfig config = parse_toml(R"([mapping]
chain_only = true

[[host]]
names = ["inherits.example"]

[[host]]
names = ["own.example"]
[host.mapping]
anonymous = true

[[host]]
names = ["chain.example"]
[host.mapping]
chain_only = true
)",
                                    "t.toml");
  ASSERT_EQ(config.hosts.size(), 3u);
  EXPECT_TRUE(config.hosts[0].mapping.chain_only) << "a block without [host.mapping] inherits [mapping]";
  EXPECT_FALSE(config.hosts[1].mapping.chain_only) << "its own [host.mapping] replaces the whole policy";
  EXPECT_TRUE(config.hosts[2].mapping.chain_only);
}

TEST(TomlErrors, ChainOnlyWithMappingsIsAnError) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping]\nchain_only = true\n\n[[mapping.many_to_one]]\nname = \"n\"\nuser = \"u\"\n",
                                    "t.toml"),
                         2, 14, "[mapping] chain_only: chain_only = true admits every certificate that verifies");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping]\nchain_only = true\n\n[[mapping.many_to_one]]\nname = \"n\"\nuser = \"u\"\n",
                                    "t.toml"),
                         2, 14, "cannot be combined with mappings (the first is at t.toml:4:1)");
  // A disabled mapping, and the one-to-one kind, count too.
  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping]\nchain_only = true\n[[mapping.one_to_one]]\nuser = \"a\"\nblob = \"MAA=\"\n"
                                    "enabled = false\n",
                                    "t.toml"),
                         2, 14, "the first is at t.toml:3:1");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.example\"]\n[host.mapping]\nchain_only = true\n"
                                    "[[host.mapping.many_to_one]]\nname = \"n\"\nuser = \"u\"\n",
                                    "t.toml"),
                         4, 14, "[host.mapping] chain_only: chain_only = true");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping]\niis_config = \"web.config\"\nchain_only = true\n", "t.toml"), 3, 14,
                         "cannot be combined with iis_config");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[mapping]\nchain_only = \"yes\"\n", "t.toml"), 2, 14, "expected true or false");
}

// ---- strings that reach headers and log lines ----

TEST(TomlErrors, ControlCharactersInNamesUsersDescriptionsAndMatches) {
  const std::string many = "[[mapping.many_to_one]]\nname = \"n\"\nuser = \"u\"\n";
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.many_to_one]]\nname = \"n\"\nuser = \"evil\\r\\nX-Injected: 1\"\n", "t.toml"),
                         3, 8,
                         "[[mapping.many_to_one]] user: contains the control character 0x0D (CR) at byte 5");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.many_to_one]]\nname = \"a\\nb\"\nuser = \"u\"\n", "t.toml"), 2, 8,
                         "[[mapping.many_to_one]] name: contains the control character 0x0A (LF) at byte 2");
  EXPECT_CONFIG_ERROR_AT(parse_toml(many + "description = \"line\\u0000\"\n", "t.toml"), 4, 15,
                         "description: contains the control character 0x00 (NUL) at byte 5");
  EXPECT_CONFIG_ERROR_AT(parse_toml(many + "[[mapping.many_to_one.rules]]\nfield = \"subject\"\nsubfield = \"CN\"\n"
                                           "match = \"a\\tb\"\n",
                                    "t.toml"),
                         7, 9, "[[mapping.many_to_one.rules]] match: contains the control character 0x09 (TAB)");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.one_to_one]]\nuser = \"a\\u007f\"\nblob = \"MAA=\"\n", "t.toml"), 2, 8,
                         "[[mapping.one_to_one]] user: contains the control character 0x7F (DEL) at byte 2");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[mapping.one_to_one]]\nuser = \"a\"\nname = \"\\u001b[31m\"\nblob = \"MAA=\"\n", "t.toml"),
                         3, 8, "[[mapping.one_to_one]] name: contains the control character 0x1B (ESC) at byte 1");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[[host]]\nnames = [\"a.example\"]\n[[host.mapping.many_to_one]]\nname = \"n\"\n"
                                    "user = \"u\\r\"\n",
                                    "t.toml"),
                         5, 8, "[[host.mapping.many_to_one]] user: contains the control character 0x0D (CR)");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[upstream]\nserver_name = \"origin\\n.example\"\n", "t.toml"), 2, 15,
                         "[upstream] server_name: contains the control character 0x0A (LF)");
  // UTF-8, quotes and backslashes are fine; passwords are opaque and never sent anywhere.
  GatewayConfig fine = parse_toml("[[mapping.many_to_one]]\nname = \"Zoë \\\"edge\\\"\"\nuser = \"CONTOSO\\\\édge\"\n"
                                  "description = \"日本\"\npassword = \"p\\tw\"\n",
                                  "t.toml");
  EXPECT_EQ(fine.default_host.mapping.many_to_one.at(0).user, "CONTOSO\\édge");
  EXPECT_EQ(fine.default_host.mapping.many_to_one.at(0).password, "p\tw");
}

TEST(TomlErrors, HeadersMustBeDistinctTokens) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nidentity = \"X Id\"\n", "t.toml"), 2, 12, "not a valid header name");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nidentity = \"x-client-verify\"\n", "t.toml"), 2, 12,
                         "already used by [headers] verify");
  // As a CGI-style back end reads them, X_Client_Verify and X-Client-Verify are one name.
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nidentity = \"X_Client_Verify\"\n", "t.toml"), 2, 12,
                         "already used by [headers] verify");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nidentity = \"Content_Length\"\n", "t.toml"), 2, 12,
                         "one certgate writes itself");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nverify = \"Host\"\n", "t.toml"), 2, 10, "one certgate writes itself");
}

TEST(TomlLoader, AnEmptyHeaderNameTurnsThatHeaderOff) {
  GatewayConfig config = parse_toml("[headers]\nclient_cert = \"\"\nserial = \"\"\n", "h.toml");
  EXPECT_EQ(config.headers.client_cert, "");
  EXPECT_EQ(config.headers.serial, "");  // two empty names are not a clash
  EXPECT_EQ(config.headers.verify, "X-Client-Verify");
}

TEST(TomlLoader, RequestIdSettings) {
  GatewayConfig defaults = parse_toml("", "h.toml");
  EXPECT_EQ(defaults.headers.request_id, "X-Request-Id");
  EXPECT_EQ(defaults.headers.request_id_from, "CF-Ray");
  GatewayConfig set = parse_toml("[headers]\nrequest_id = \"X-Correlation-Id\"\nrequest_id_from = \"X-Edge-Ray\"\n", "h.toml");
  EXPECT_EQ(set.headers.request_id, "X-Correlation-Id");
  EXPECT_EQ(set.headers.request_id_from, "X-Edge-Ray");
  GatewayConfig off = parse_toml("[headers]\nrequest_id = \"\"\nrequest_id_from = \"\"\n", "h.toml");
  EXPECT_EQ(off.headers.request_id, "");
  EXPECT_EQ(off.headers.request_id_from, "");
}

TEST(TomlErrors, RequestIdNamesAreCheckedLikeTheOthers) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nrequest_id = \"X Id\"\n", "t.toml"), 2, 14, "not a valid header name");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nrequest_id = \"x_client_identity\"\n", "t.toml"), 2, 14,
                         "already used by [headers] identity");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nrequest_id = \"Via\"\n", "t.toml"), 2, 14,
                         "one certgate writes itself");
  EXPECT_CONFIG_ERROR_AT(parse_toml("[headers]\nrequest_id_from = \"CF Ray\"\n", "t.toml"), 2, 19,
                         "not a valid header name");
}

TEST(TomlErrors, SyntaxErrorPosition) {
  EXPECT_CONFIG_ERROR_AT(parse_toml("[server]\nworkers = = 2\n", "t.toml"), 2, 11, "TOML syntax");
  auto unterminated = test_support::capture_error([] { parse_toml("[tls]\ncert = \"abc\n", "t.toml"); });
  EXPECT_EQ(unterminated.where().file, "t.toml");
  EXPECT_EQ(unterminated.where().line, 2);
}

TEST(TomlErrors, MissingFile) {
  auto error = test_support::capture_error([] { load_toml_file("/nonexistent/certgate.toml"); });
  EXPECT_EQ(error.where().file, "/nonexistent/certgate.toml");
  EXPECT_TRUE(test_support::contains(error.message(), "cannot read the configuration file")) << error.what();
}

}  // namespace
}  // namespace certgate::config
