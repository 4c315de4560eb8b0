// Round trip, property-tested: for generated mapping policies x (names with XML and TOML special
// characters, unicode, quotes, ampersands; random rules, flags, permissions; passwords, also with tabs and
// line breaks, which names cannot hold; blobs of real certificates; every mode), import(export(x)) == x:
//   x --iis_configuration_xml--> XML --parse_iis--> x'        (x' == x)
//   XML --import_iis--> TOML --parse_toml--> x''               (x'' == x)
//   x --appcmd_commands--> commands --(an appcmd model)--> x'''  (x''' == x, passwords aside)
// Positions (SourcePos) are not compared. One-to-one labels are the user names: IIS has no label.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "config/cert_text.hpp"
#include "config/iis_import.hpp"
#include "config/iis_writer.hpp"
#include "config/load.hpp"
#include "config/mapping_difference.hpp"
#include "config_test_support.hpp"
#include "core/ascii.hpp"

namespace certgate::config {
namespace {

using test_support::read_bytes;

constexpr int kCases = 400;

// Real certificates (DER) for one-to-one blobs: the Cloudflare AOP leaf and CAs, and the Origin CAs.
const std::vector<std::string>& real_certificates() {
  static const std::vector<std::string> certs = [] {
    std::vector<std::string> out;
    for (const char* file : {"aop-certs/cloudflare-aop-leaf-2016-2017-expired.der",
                             "aop-certs/cloudflare-aop-origin-pull-ca-2019-2029.pem",
                             "aop-certs/cloudflare-aop-origin-pull-ca-2015-2020-expired.pem",
                             "aop-certs/not-aop/cloudflare-origin-ssl-rsa-ca-2019-2029.pem",
                             "aop-certs/not-aop/cloudflare-origin-ssl-ecc-ca-2019-2029.pem"}) {
      auto der = certificate_der(read_bytes(std::string(CERTGATE_TEST_DATA_DIR) + "/" + file));
      EXPECT_TRUE(der) << file;
      if (der) out.push_back(*der);
    }
    return out;
  }();
  return certs;
}

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  bool coin() { return pick(2) == 0; }
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  // Pieces chosen to break naive writers: XML and TOML metacharacters, quotes of every kind, whitespace
  // that XML parsers normalise, multi-byte UTF-8 (2, 3 and 4 bytes), entity look-alikes. Names, users,
  // descriptions and rule values reach headers and log lines, so the loaders refuse control characters
  // in them; only passwords (opaque, never sent) also get the tab and line-break pieces.
  std::string text(std::size_t max_pieces, bool control_characters = false) {
    static const std::vector<std::string> pieces = {
        "a", "Z", "edge", "cdn", "0", "9", " ", "-", "_", ".", "/", "\\", "<", ">", "&", "&amp;", "\"", "'",
        "\"\"\"", "'''", "#", "=", "[", "]", "[[", "]]>", "{", "}", ",", "*", "%", "%PATH%", ";", "$", "`", "!",
        "<!--", "-->", "é", "ß", "İ", "日本", "😀", "\xC2\xA0", "\xE2\x80\xA8", "Ω", "CN=x"};
    static const std::vector<std::string> controls = {"\t", "\n", "\r\n"};
    std::string out;
    std::size_t n = pick(max_pieces + 1);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t piece = pick(pieces.size() + (control_characters ? controls.size() : 0));
      out += piece < pieces.size() ? pieces[piece] : controls[piece - pieces.size()];
    }
    return out;
  }
  std::string non_empty_text(std::size_t max_pieces) {
    std::string out = text(max_pieces);
    return out.empty() ? "x" + text(2) : out;
  }
  std::string password() {
    switch (pick(4)) {
      case 0: return "";
      case 1: return "[enc:AesProvider:" + std::to_string(rng_()) + "Zm9vYmFy+/=:enc]";
      default: return text(6, /*control_characters=*/true);
    }
  }

  core::MappingRule rule() {
    static const std::vector<std::string> subfields = {"CN", "OU", "O", "L", "S", "ST", "C", "E", "cn", "St",
                                                       "emailAddress", "2.5.4.3", "1.2.840.113549.1.9.1"};
    core::MappingRule r;
    r.field = coin() ? core::RuleField::subject : core::RuleField::issuer;
    r.subfield = subfields[pick(subfields.size())];
    switch (pick(5)) {
      case 0: r.match = "*"; break;
      case 1: r.match = non_empty_text(4) + "*"; break;
      case 2: r.match = "*" + non_empty_text(4); break;
      default: r.match = non_empty_text(6);
    }
    r.case_sensitive = coin();
    return r;
  }

  core::MappingPolicy policy() {
    core::MappingPolicy p;
    p.one_to_one_enabled = coin();
    p.many_to_one_enabled = coin();
    p.anonymous = coin();
    const auto& certs = real_certificates();
    std::vector<std::size_t> order(certs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng_);
    std::size_t ones = pick(certs.size() + 1);
    for (std::size_t i = 0; i < ones; ++i) {
      core::OneToOneMapping m;
      m.der = certs[order[i]];
      m.user = non_empty_text(5);
      m.name = m.user;
      m.password = password();
      m.enabled = pick(4) != 0;
      p.one_to_one.push_back(std::move(m));
    }
    std::set<std::string> names;
    std::size_t manys = pick(6);
    for (std::size_t i = 0; i < manys; ++i) {
      core::ManyToOneMapping m;
      m.name = non_empty_text(5);
      if (!names.insert(core::ascii::lower_copy(m.name)).second) continue;  // names are unique ignoring case
      m.description = text(8);
      m.enabled = pick(4) != 0;
      m.permission = pick(3) == 0 ? core::Permission::deny : core::Permission::allow;
      m.user = m.permission == core::Permission::allow || coin() ? non_empty_text(4) : "";
      m.password = password();
      std::size_t rules = pick(5);
      std::set<std::string> keys;  // IIS keys rules by field, subfield, match and case sensitivity: no two alike
      for (std::size_t r = 0; r < rules; ++r) {
        core::MappingRule next = rule();
        std::string key = std::string(core::to_string(next.field)) + "\n" + core::ascii::lower_copy(next.subfield) + "\n" + next.match +
                          (next.case_sensitive ? "\n1" : "\n0");
        if (keys.insert(key).second) m.rules.push_back(std::move(next));
      }
      p.many_to_one.push_back(std::move(m));
    }
    return p;
  }

  core::ClientCertMode mode() {
    static const core::ClientCertMode modes[] = {core::ClientCertMode::ignore, core::ClientCertMode::accept,
                                                 core::ClientCertMode::require};
    return modes[pick(3)];
  }

  std::string location() {
    switch (pick(3)) {
      case 0: return "";
      case 1: return "Default Web Site";
      default: return "Site & <" + non_empty_text(3) + ">/api";
    }
  }

 private:
  std::mt19937 rng_;
};

// --- a model of appcmd.exe for the commands we write: enough to rebuild the policy they describe ---

// "key='value',key='value'" (values contain no quote: the writer refuses those).
std::map<std::string, std::string> selector_values(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    auto eq = text.find("='");
    auto end = text.find('\'', eq + 2);
    out[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 2, end - eq - 2));
    text.remove_prefix(std::min(text.size(), end + 2));  // past "'," or the final "'"
  }
  return out;
}

bool appcmd_true(const std::string& value) { return value == "True"; }

// The argument of "/+\"...\"" or the value of "/name:\"...\"" in a command line.
std::string quoted_after(const std::string& line, const std::string& marker) {
  auto at = line.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  return line.substr(at, line.find('"', at) - at);
}

struct AppcmdModel {
  core::MappingPolicy policy;
  core::ClientCertMode mode = core::ClientCertMode::ignore;
  int rem_lines = 0;

  void run(const std::string& line) {
    if (line.rfind("REM ", 0) == 0) {
      ++rem_lines;
      return;
    }
    ASSERT_EQ(line.rfind("appcmd.exe ", 0), 0u) << line;
    ASSERT_EQ(line.find('\n'), std::string::npos) << line;
    if (line.rfind("appcmd.exe clear config ", 0) == 0) {
      policy = core::MappingPolicy{};
      return;
    }
    if (line.find("-section:system.webServer/security/access ") != std::string::npos) {
      std::string flags = quoted_after(line, "/sslFlags:\"");
      mode = flags.find("SslRequireCert") != std::string::npos     ? core::ClientCertMode::require
             : flags.find("SslNegotiateCert") != std::string::npos ? core::ClientCertMode::accept
                                                                   : core::ClientCertMode::ignore;
      return;
    }
    if (line.find("/anonymousAuthentication ") != std::string::npos) {
      policy.anonymous = appcmd_true(quoted_after(line, "/enabled:\""));
      return;
    }
    std::string add = quoted_after(line, "/+\"");
    if (add.empty()) {
      policy.one_to_one_enabled = appcmd_true(quoted_after(line, "/oneToOneCertificateMappingsEnabled:\""));
      policy.many_to_one_enabled = appcmd_true(quoted_after(line, "/manyToOneCertificateMappingsEnabled:\""));
      return;
    }
    auto inner = [&](std::string_view prefix) { return add.substr(prefix.size(), add.size() - prefix.size() - 1); };
    if (add.rfind("oneToOneMappings.[", 0) == 0) {
      auto v = selector_values(inner("oneToOneMappings.["));
      core::OneToOneMapping m;
      m.user = m.name = v["userName"];
      m.password = v["password"];
      m.der = base64_decode(v["certificate"]).value_or("");
      m.enabled = !v.count("enabled") || appcmd_true(v["enabled"]);
      policy.one_to_one.push_back(m);
    } else if (auto rules = add.find("].rules.["); rules != std::string::npos) {
      auto key = selector_values(std::string_view(add).substr(19, rules - 19));  // after manyToOneMappings.[
      auto v = selector_values(std::string_view(add).substr(rules + 9, add.size() - rules - 10));
      for (auto& m : policy.many_to_one) {
        if (m.name != key["name"]) continue;
        core::MappingRule r;
        r.field = v["certificateField"] == "Subject" ? core::RuleField::subject : core::RuleField::issuer;
        r.subfield = v["certificateSubField"];
        r.match = v["matchCriteria"];
        r.case_sensitive = !v.count("compareCaseSensitive") || appcmd_true(v["compareCaseSensitive"]);
        m.rules.push_back(r);
      }
    } else {
      auto v = selector_values(inner("manyToOneMappings.["));
      core::ManyToOneMapping m;
      m.name = v["name"];
      m.description = v["description"];
      m.enabled = !v.count("enabled") || appcmd_true(v["enabled"]);
      m.permission = v["permissionMode"] == "Deny" ? core::Permission::deny : core::Permission::allow;
      m.user = v["userName"];
      m.password = v["password"];
      policy.many_to_one.push_back(m);
    }
  }
};

// Runs body(seed) for kCases seeds; an exception fails the test naming the seed (to replay it).
template <typename Body>
void for_each_seed(unsigned base, Body body) {
  for (int i = 0; i < kCases; ++i) {
    unsigned seed = base + static_cast<unsigned>(i);
    try {
      body(seed);
    } catch (const std::exception& e) {
      FAIL() << "seed " << seed << ": " << e.what();
    }
    if (::testing::Test::HasFailure()) return;
  }
}

bool appcmd_can_carry(std::string_view value) {
  for (char c : value) {
    if (c == '\'' || c == '"' || c == '%' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool is_encrypted(const std::string& password) { return password.rfind("[enc:", 0) == 0; }

// What the appcmd commands can express of x: mappings with an unquotable value are left out (a REM line
// says so) and encrypted passwords are not repeated.
core::MappingPolicy appcmd_expressible(core::MappingPolicy x, int* left_out) {
  std::erase_if(x.one_to_one, [&](const core::OneToOneMapping& m) {
    bool out = !appcmd_can_carry(m.user) || (!is_encrypted(m.password) && !appcmd_can_carry(m.password));
    *left_out += out;
    return out;
  });
  std::erase_if(x.many_to_one, [&](const core::ManyToOneMapping& m) {
    bool out = !appcmd_can_carry(m.name) || !appcmd_can_carry(m.description) || !appcmd_can_carry(m.user) ||
               (!is_encrypted(m.password) && !appcmd_can_carry(m.password));
    for (const auto& r : m.rules) out = out || !appcmd_can_carry(r.subfield) || !appcmd_can_carry(r.match);
    *left_out += out;
    return out;
  });
  for (auto& m : x.one_to_one) {
    if (is_encrypted(m.password)) m.password.clear();
  }
  for (auto& m : x.many_to_one) {
    if (is_encrypted(m.password)) m.password.clear();
  }
  return x;
}

TEST(IisRoundTripProperty, ExportThenParseIisGivesThePolicyBack) {
  ASSERT_EQ(real_certificates().size(), 5u);
  for_each_seed(0, [](unsigned seed) {
    Generator gen(seed);
    IisExport x{gen.policy(), gen.mode(), gen.location()};
    std::string xml = iis_configuration_xml(x);
    IisPolicy back = parse_iis(xml, "export.config", x.location);
    ASSERT_EQ(mapping_difference(x.mapping, back.mapping), "") << "seed " << seed << "\n" << xml;
    ASSERT_TRUE(back.mode.has_value()) << "seed " << seed;
    ASSERT_EQ(*back.mode, x.mode) << "seed " << seed;
  });
}

TEST(IisRoundTripProperty, ImportOfExportLoadsAsTheSameTomlPolicy) {
  for_each_seed(100000, [](unsigned seed) {
    Generator gen(seed);
    IisExport x{gen.policy(), gen.mode(), gen.location()};
    std::string xml = iis_configuration_xml(x);
    // The export holds one location, so the import finds it without being told.
    IisImport imported = import_iis(xml, "export.config", std::nullopt);
    ASSERT_EQ(imported.location, x.location) << "seed " << seed;
    GatewayConfig loaded = parse_toml(imported.toml, "import.toml");
    ASSERT_EQ(mapping_difference(x.mapping, loaded.default_host.mapping), "")
        << "seed " << seed << "\n" << xml << "\n---\n" << imported.toml;
    ASSERT_EQ(loaded.default_host.tls.mode, x.mode) << "seed " << seed << "\n" << imported.toml;
  });
}

TEST(IisRoundTripProperty, AppcmdCommandsDescribeThePolicy) {
  int left_out_total = 0;
  int carried_total = 0;
  for_each_seed(200000, [&](unsigned seed) {
    Generator gen(seed);
    IisExport x{gen.policy(), gen.mode(), ""};
    AppcmdModel model;
    for (const auto& line : appcmd_commands(x, "Default Web Site")) {
      model.run(line);
      ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "seed " << seed;
    }
    int left_out = 0;
    core::MappingPolicy expected = appcmd_expressible(x.mapping, &left_out);
    ASSERT_EQ(mapping_difference(expected, model.policy), "") << "seed " << seed;
    ASSERT_EQ(model.mode, x.mode) << "seed " << seed;
    // Every mapping left out is announced by a REM line (encrypted passwords add their own).
    ASSERT_GE(model.rem_lines, left_out) << "seed " << seed;
    left_out_total += left_out;
    carried_total += static_cast<int>(expected.one_to_one.size() + expected.many_to_one.size());
  });
  // The generator must exercise both paths, or the property says little.
  EXPECT_GT(left_out_total, 50);
  EXPECT_GT(carried_total, 50);
}

TEST(IisRoundTripProperty, GeneratorCoversTheHardCases) {
  // A property test is only as good as its inputs: make sure they contain what this test is about.
  int amp = 0, quote = 0, newline = 0, four_byte = 0, no_rules = 0, disabled = 0, deny = 0, encrypted = 0;
  for (int seed = 0; seed < kCases; ++seed) {
    Generator gen(static_cast<unsigned>(seed));
    core::MappingPolicy p = gen.policy();
    for (const auto& m : p.many_to_one) {
      amp += m.name.find('&') != std::string::npos;
      quote += m.name.find('"') != std::string::npos || m.name.find('\'') != std::string::npos;
      newline += m.password.find('\n') != std::string::npos;
      four_byte += m.name.find("😀") != std::string::npos;
      no_rules += m.rules.empty();
      disabled += !m.enabled;
      deny += m.permission == core::Permission::deny;
      encrypted += is_encrypted(m.password);
    }
  }
  for (int count : {amp, quote, newline, four_byte, no_rules, disabled, deny, encrypted}) EXPECT_GT(count, 10);
}

}  // namespace
}  // namespace certgate::config
