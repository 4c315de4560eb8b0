// IIS configuration read the way IIS reads it: several files from the server down, <location> paths and
// their parents, the collection rules (<add> appends, <remove> by key, <clear/>), attributes overridden
// below, locks (overrideMode / allowOverride), the one location chosen when none is given, fragments.
#include <gtest/gtest.h>

#include "config/cert_text.hpp"
#include "config/load.hpp"
#include "config_test_support.hpp"
#include "core/compiled_policy.hpp"
#include "core/decision.hpp"

namespace certgate::config {
namespace {

using core::ClientCertMode;
using test_support::capture_error;
using test_support::contains;
using test_support::kLeafDer;
using test_support::read_bytes;

std::string leaf_blob() { return base64_encode(read_bytes(kLeafDer)); }
// Another DER SEQUENCE, enough to be a distinct one-to-one key.
std::string other_blob() { return base64_encode(std::string("\x30\x04\x30\x02\x05\x00", 6)); }

std::string security(const std::string& authentication, const std::string& access = "") {
  return "<system.webServer>\n<security>\n" + access + "<authentication>\n" + authentication +
         "</authentication>\n</security>\n</system.webServer>\n";
}
std::string section(const std::string& attributes, const std::string& body = "") {
  return "<iisClientCertificateMappingAuthentication " + attributes + ">\n" + body +
         "</iisClientCertificateMappingAuthentication>\n";
}
std::string many(const std::string& entries) { return "<manyToOneMappings>\n" + entries + "</manyToOneMappings>\n"; }
std::string one(const std::string& entries) { return "<oneToOneMappings>\n" + entries + "</oneToOneMappings>\n"; }
std::string add_many(const std::string& name) { return "<add name=\"" + name + "\" userName=\"u-" + name + "\"/>\n"; }
std::string location(const std::string& path, const std::string& body, const std::string& attributes = "") {
  return "<location path=\"" + path + "\"" + (attributes.empty() ? "" : " " + attributes) + ">\n" + body + "</location>\n";
}
std::string configuration(const std::string& body) { return "<configuration>\n" + body + "</configuration>\n"; }

std::vector<std::string> names(const IisPolicy& policy) {
  std::vector<std::string> out;
  for (const auto& m : policy.mapping.many_to_one) out.push_back(m.name);
  return out;
}

IisPolicy read(const std::vector<IisText>& files, const std::optional<std::string>& location) {
  return read_iis(files, location);
}

// ---- which pieces apply, in which order ----

TEST(IisInheritance, ParentsFirstThenThePathItselfAcrossFiles) {
  // Written child first, to show that the order is the paths', not the file's.
  const std::string host = configuration(
      security(section("enabled=\"true\"", many(add_many("server")))) +
      location("Default Web Site/app", security(section("", many(add_many("host-app"))))) +
      location("Default Web Site", security(section("", many(add_many("host-site"))))) +
      location("Default Web Site/application", security(section("", many(add_many("not-a-parent"))))) +
      location("Other Site", security(section("", many(add_many("other-site"))))));
  const std::string site = configuration(security(section("", many(add_many("site-web-config")))));
  const std::string app = configuration(security(section("", many(add_many("app-web-config")))));
  IisPolicy policy = read({{"applicationHost.config", host}, {"site/web.config", site}, {"app/web.config", app}},
                          "/default web site/APP/");
  EXPECT_EQ(names(policy), (std::vector<std::string>{"server", "host-site", "host-app", "site-web-config",
                                                     "app-web-config"}));
  // Each mapping keeps the file it came from.
  EXPECT_EQ(policy.mapping.many_to_one[0].where.to_string(), "applicationHost.config:7:1");
  EXPECT_EQ(policy.mapping.many_to_one[3].where.file, "site/web.config");
  EXPECT_EQ(policy.mapping.many_to_one[4].where.to_string(), "app/web.config:7:1");
  EXPECT_EQ(policy.location, "Default Web Site/app");  // named as the file writes it
  ASSERT_FALSE(policy.notes.empty());
  EXPECT_TRUE(contains(policy.notes.back().message, "merged from 5 places, the server first")) << policy.notes.back().message;
}

TEST(IisInheritance, DotAndEmptyPathAreTheTopLevel) {
  const std::string xml = configuration(location(".", security(section("enabled=\"true\"", many(add_many("dot"))))) +
                                        location("", security("<anonymousAuthentication enabled=\"true\"/>\n")));
  IisPolicy policy = read({{"web.config", xml}}, std::nullopt);
  EXPECT_EQ(names(policy), (std::vector<std::string>{"dot"}));
  EXPECT_TRUE(policy.notes.empty());  // the top level: nothing to say
  EXPECT_TRUE(policy.mapping.anonymous);
}

// ---- attributes: a later piece overrides what it writes, and only that ----

TEST(IisInheritance, AttributesOfALaterPieceOverride) {
  const std::string host = configuration(
      security(section("enabled=\"true\"", many(add_many("m"))) + "<anonymousAuthentication enabled=\"true\"/>\n",
               "<access sslFlags=\"Ssl\"/>\n") +
      location("Site", security(section("manyToOneCertificateMappingsEnabled=\"false\""),
                                "<access sslFlags=\"Ssl, SslNegotiateCert, SslRequireCert\"/>\n")));
  IisPolicy site = read({{"applicationHost.config", host}}, "Site");
  EXPECT_TRUE(site.mapping.one_to_one_enabled);    // enabled="true" inherited, switch default true
  EXPECT_FALSE(site.mapping.many_to_one_enabled);  // switched off below
  EXPECT_TRUE(site.mapping.anonymous);             // inherited: the location does not write it
  EXPECT_EQ(site.mode, ClientCertMode::require);   // overridden
  EXPECT_EQ(site.ssl_flags, "Ssl, SslNegotiateCert, SslRequireCert");

  IisPolicy top = read({{"applicationHost.config", host}}, "");
  EXPECT_TRUE(top.mapping.many_to_one_enabled);
  EXPECT_EQ(top.mode, ClientCertMode::ignore);

  // A web.config below turns the section off and anonymous access off; sslFlags stays inherited.
  const std::string web = configuration(
      security(section("enabled=\"false\"") + "<anonymousAuthentication enabled=\"false\"/>\n"));
  IisPolicy off = read({{"applicationHost.config", host}, {"web.config", web}}, "Site");
  EXPECT_FALSE(off.mapping.one_to_one_enabled);
  EXPECT_FALSE(off.mapping.many_to_one_enabled);
  EXPECT_FALSE(off.mapping.anonymous);
  EXPECT_EQ(off.mode, ClientCertMode::require);
  EXPECT_EQ(off.section_enabled, "false");
  EXPECT_EQ(off.section_enabled_where.file, "web.config");
  EXPECT_EQ(names(off), (std::vector<std::string>{"m"}));  // still read, but off: 401.2
}

TEST(IisInheritance, EnabledBelowTurnsOnWhatTheServerLeftOff) {
  const std::string host = configuration(security(section("", many(add_many("m")))));  // IIS default: off
  const std::string web = configuration(security(section("enabled=\"true\"")));
  EXPECT_FALSE(read({{"a", host}}, "").mapping.many_to_one_enabled);
  IisPolicy on = read({{"a", host}, {"web.config", web}}, "");
  EXPECT_TRUE(on.mapping.many_to_one_enabled);
  EXPECT_EQ(names(on), (std::vector<std::string>{"m"}));
}

// ---- collections ----

TEST(IisInheritance, AddAppendsToTheInheritedCollection) {
  const std::string host = configuration(security(section(
      "enabled=\"true\"", one("<add userName=\"leaf\" certificate=\"" + leaf_blob() + "\"/>\n") + many(add_many("a")))));
  const std::string web = configuration(
      security(section("", one("<add userName=\"other\" certificate=\"" + other_blob() + "\"/>\n") + many(add_many("b")))));
  IisPolicy policy = read({{"applicationHost.config", host}, {"web.config", web}}, "");
  EXPECT_EQ(names(policy), (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(policy.mapping.one_to_one.size(), 2u);
  EXPECT_EQ(policy.mapping.one_to_one[0].user, "leaf");
  EXPECT_EQ(policy.mapping.one_to_one[1].where.file, "web.config");
}

TEST(IisInheritance, RemoveTakesAnInheritedEntryByItsKey) {
  const std::string host = configuration(security(section(
      "enabled=\"true\"", one("<add userName=\"leaf\" certificate=\"" + leaf_blob() + "\"/>\n"
                              "<add userName=\"other\" certificate=\"" + other_blob() + "\"/>\n") +
                              many(add_many("Edge") + add_many("keep")))));
  const std::string web = configuration(security(section(
      "", one("<remove certificate=\"" + leaf_blob() + "\"/>\n") + many("<remove name=\"EDGE\"/>\n"))));
  IisPolicy policy = read({{"applicationHost.config", host}, {"web.config", web}}, "");
  EXPECT_EQ(names(policy), (std::vector<std::string>{"keep"}));  // many-to-one: by name, ignoring case
  ASSERT_EQ(policy.mapping.one_to_one.size(), 1u);                // one-to-one: by the certificate
  EXPECT_EQ(policy.mapping.one_to_one[0].user, "other");
  // Removed, it may be added again below.
  const std::string again = configuration(security(section("", many(add_many("edge")))));
  EXPECT_EQ(names(read({{"a", host}, {"b", web}, {"c", again}}, "")), (std::vector<std::string>{"keep", "edge"}));
}

TEST(IisInheritance, RulesAreKeyedByFieldSubfieldMatchAndCaseSensitivity) {
  auto rules = [](const std::string& entries) {
    return configuration(security(section("enabled=\"true\"", many("<add name=\"m\" userName=\"u\"><rules>\n" + entries +
                                                                    "</rules></add>\n"))));
  };
  const std::string cn_a = "<add certificateField=\"Subject\" certificateSubField=\"CN\" matchCriteria=\"a\"/>\n";
  const std::string cn_b = "<add certificateField=\"Subject\" certificateSubField=\"CN\" matchCriteria=\"b\"/>\n";
  const std::string o_a = "<add certificateField=\"Subject\" certificateSubField=\"O\" matchCriteria=\"a\"/>\n";
  const std::string issuer_cn_a = "<add certificateField=\"Issuer\" certificateSubField=\"CN\" matchCriteria=\"a\"/>\n";
  const std::string cn_a_any_case = "<add certificateField=\"Subject\" certificateSubField=\"CN\" matchCriteria=\"a\" "
                                    "compareCaseSensitive=\"false\"/>\n";
  // Same subfield, another match; another subfield; another field; another case sensitivity: distinct keys.
  EXPECT_EQ(read({{"w", rules(cn_a + cn_b + o_a + issuer_cn_a + cn_a_any_case)}}, "").mapping.many_to_one[0].rules.size(), 5u);
  // The same key twice is refused, as IIS refuses it.
  EXPECT_CONFIG_ERROR_AT(read({{"w", rules(cn_a + "<add certificateField=\"subject\" certificateSubField=\"cn\" "
                                                  "matchCriteria=\"a\"/>\n")}},
                              ""),
                         9, 1, "duplicate rule subject cn 'a' (first at w:8:1)");
  // <remove> takes the rule with the whole key only (compareCaseSensitive defaults to true there too).
  auto kept = read({{"w", rules(cn_a + cn_b + cn_a_any_case +
                                "<remove certificateField=\"Subject\" certificateSubField=\"CN\" matchCriteria=\"b\"/>\n"
                                "<remove certificateField=\"Subject\" certificateSubField=\"CN\" matchCriteria=\"a\" "
                                "compareCaseSensitive=\"false\"/>\n")}},
                   "");
  ASSERT_EQ(kept.mapping.many_to_one[0].rules.size(), 1u);
  EXPECT_EQ(kept.mapping.many_to_one[0].rules[0].match, "a");
  EXPECT_TRUE(kept.mapping.many_to_one[0].rules[0].case_sensitive);
}

TEST(IisInheritance, ClearEmptiesWhatWasInheritedAndRefusesWith401Dot2) {
  const std::string server = security(section(
      "enabled=\"true\"", one("<add userName=\"leaf\" certificate=\"" + leaf_blob() + "\"/>\n") + many(add_many("a"))));
  const std::string host = configuration(server);
  const std::string site = location("Site", security(section("", one("<clear/>\n") + many("<clear/>\n"))));
  IisPolicy policy = read({{"applicationHost.config", configuration(server + site)}}, "Site");
  EXPECT_FALSE(policy.mapping.has_mappings());
  EXPECT_TRUE(policy.mapping.many_to_one_enabled);

  core::CertDigest cert;
  cert.subject.attributes.push_back({"2.5.4.3", "CN", "edge.example.com"});
  cert.der = "DER";
  const auto compiled = core::CompiledPolicy::compile(policy.mapping, ClientCertMode::require);
  const core::Decision d = core::decide(*compiled, &cert, core::VerifyResult{core::VerifyStatus::ok, 0, -1, ""});
  EXPECT_EQ(d.status_text(), "401.2");

  // Cleared, then added: only what follows the clear.
  const std::string web = configuration(security(section("", many("<clear/>\n" + add_many("b")))));
  EXPECT_EQ(names(read({{"a", host}, {"b", web}}, "")), (std::vector<std::string>{"b"}));
}

TEST(IisInheritance, AddingAnInheritedKeyAgainIsAnErrorNamingTheFirst) {
  const std::string host = configuration(security(section(
      "enabled=\"true\"", one("<add userName=\"leaf\" certificate=\"" + leaf_blob() + "\"/>\n") + many(add_many("edge")))));
  const std::string web_many = configuration(security(section("", many(add_many("EDGE")))));
  auto error = capture_error([&] { read({{"applicationHost.config", host}, {"web.config", web_many}}, ""); });
  EXPECT_EQ(error.where().to_string(), "web.config:7:1");
  EXPECT_TRUE(contains(error.message(), "duplicate many-to-one mapping 'EDGE' (first at applicationHost.config:10:1)"))
      << error.what();
  EXPECT_TRUE(contains(error.message(), "Cannot add duplicate collection entry")) << error.what();

  const std::string web_one =
      configuration(security(section("", one("<add userName=\"again\" certificate=\"" + leaf_blob() + "\"/>\n"))));
  error = capture_error([&] { read({{"applicationHost.config", host}, {"web.config", web_one}}, ""); });
  EXPECT_EQ(error.where().file, "web.config");
  EXPECT_TRUE(contains(error.message(), "already mapped at applicationHost.config:7:1")) << error.what();
}

// ---- locks ----

TEST(IisInheritance, LockedLocationRefusesALowerFileThatWritesTheSection) {
  for (const std::string lock : {"overrideMode=\"Deny\"", "allowOverride=\"false\""}) {
    const std::string host = configuration(
        location("Default Web Site", security(section("enabled=\"true\"", many(add_many("host")))), lock) +
        // The same file may still write a deeper location: the lock is for the files below.
        location("Default Web Site/app", security(section("", many(add_many("host-app"))))));
    EXPECT_EQ(names(read({{"applicationHost.config", host}}, "Default Web Site/app")),
              (std::vector<std::string>{"host", "host-app"}));

    const std::string web = configuration(security(section("", many(add_many("web")))));
    auto error = capture_error([&] { read({{"applicationHost.config", host}, {"web.config", web}}, "Default Web Site"); });
    EXPECT_EQ(error.where().to_string(), "web.config:5:1") << lock;
    EXPECT_TRUE(contains(error.message(), "<location path=\"Default Web Site\" " + lock +
                                              "> at applicationHost.config:2:35 locks it"))
        << error.what();
    EXPECT_TRUE(contains(error.message(), "500.19")) << error.what();

    // A lower file that leaves the section alone is fine; so is one that writes another, unlocked section.
    const std::string other = configuration(security("<anonymousAuthentication enabled=\"true\"/>\n"));
    IisPolicy fine = read({{"applicationHost.config", host}, {"web.config", other}}, "Default Web Site");
    EXPECT_TRUE(fine.mapping.anonymous);
  }
  // Allow and Inherit lock nothing; other values are refused.
  const std::string allowed = configuration(
      location("Site", security(section("enabled=\"true\"", many(add_many("a")))), "overrideMode=\"Allow\""));
  EXPECT_EQ(names(read({{"h", allowed}, {"w", configuration(security(section("", many(add_many("b")))))}}, "Site")),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_CONFIG_ERROR_AT(read({{"h", configuration(location("Site", "", "overrideMode=\"Never\""))}}, "Site"), 2, 23,
                         "overrideMode: 'Never' is not allowed");
}

TEST(IisInheritance, SectionsLockedByDefaultNeedAnAllowLocation) {
  const std::string sections =
      "<configSections>\n<sectionGroup name=\"system.webServer\">\n<sectionGroup name=\"security\">\n"
      "<section name=\"access\" overrideModeDefault=\"Deny\"/>\n<sectionGroup name=\"authentication\">\n"
      "<section name=\"iisClientCertificateMappingAuthentication\" overrideModeDefault=\"Deny\"/>\n"
      "<section name=\"anonymousAuthentication\" overrideModeDefault=\"Allow\"/>\n"
      "</sectionGroup>\n</sectionGroup>\n</sectionGroup>\n</configSections>\n";
  const std::string web = configuration(security(section("enabled=\"true\"", many(add_many("web")))));
  const std::string locked = configuration(sections);
  auto error = capture_error([&] { read({{"applicationHost.config", locked}, {"web.config", web}}, "Site"); });
  EXPECT_EQ(error.where().to_string(), "web.config:5:1");
  EXPECT_TRUE(contains(error.message(), "overrideModeDefault=\"Deny\" in <configSections> at applicationHost.config:7:59 "
                                        "(unless a <location overrideMode=\"Allow\"> holding the section unlocks it) "
                                        "locks it for the files below"))
      << error.what();
  // The same file may write it; anonymousAuthentication (Allow) may be written below.
  EXPECT_NO_THROW(read({{"applicationHost.config", configuration(sections + security(section("enabled=\"true\"")))},
                        {"web.config", configuration(security("<anonymousAuthentication enabled=\"true\"/>\n"))}},
                       ""));
  // Unlocked for the site by a location holding the section, as IIS Manager writes it.
  const std::string unlocked =
      configuration(sections + location("Site", security(section("")), "overrideMode=\"Allow\""));
  EXPECT_EQ(names(read({{"applicationHost.config", unlocked}, {"web.config", web}}, "Site")),
            (std::vector<std::string>{"web"}));
  // The unlock is for that site only.
  EXPECT_THROW(read({{"applicationHost.config", unlocked}, {"web.config", web}}, "Other"), ConfigError);
}

// ---- choosing the location ----

TEST(IisInheritance, TheOnlyLocationWithASectionIsUsedWithANote) {
  const std::string xml = configuration(
      security("<anonymousAuthentication enabled=\"true\"/>\n") +
      location("Default Web Site", security(section("enabled=\"true\"", many(add_many("site"))))));
  IisPolicy policy = read({{"applicationHost.config", xml}}, std::nullopt);
  EXPECT_EQ(policy.location, "Default Web Site");
  EXPECT_EQ(names(policy), (std::vector<std::string>{"site"}));
  EXPECT_TRUE(policy.mapping.anonymous);  // the top level is still inherited
  ASSERT_EQ(policy.notes.size(), 1u);
  EXPECT_EQ(policy.notes[0].where.to_string(), "applicationHost.config:9:1");
  EXPECT_EQ(policy.notes[0].message, "IIS section read from <location path=\"Default Web Site\"> (the only location "
                                     "with one); pass --iis-location to choose another");

  // Only a top level: read, no note.
  EXPECT_TRUE(read({{"w", configuration(security(section("enabled=\"true\"")))}}, std::nullopt).notes.empty());
}

TEST(IisInheritance, SeveralPlacesWithASectionMustBeChosen) {
  const std::string xml = configuration(security(section("enabled=\"true\"")) +
                                        location("Site A", security(section("enabled=\"true\""))) +
                                        location("/site a/", security(section("enabled=\"true\""))) +
                                        location("Site B", security(section("enabled=\"true\""))));
  try {
    read({{"applicationHost.config", xml}}, std::nullopt);
    FAIL() << "several places: the reader must ask which one";
  } catch (const IisLocationChoiceError& e) {
    ASSERT_EQ(e.places().size(), 3u);  // "/site a/" is "Site A" again
    EXPECT_EQ(e.places()[0].path, "");
    EXPECT_EQ(e.places()[1].path, "Site A");
    EXPECT_EQ(e.places()[2].path, "Site B");
    EXPECT_TRUE(contains(e.message(), "3 places have a client certificate mapping section: \"\" (the top level, "
                                      "applicationHost.config:5:1), \"Site A\" (applicationHost.config:10:1)"))
        << e.what();
    EXPECT_TRUE(contains(e.message(), "--iis-location (flag) or iis_location (in [mapping])")) << e.what();
  }
  // A lower file's top level is not a place of its own: the one location of the server is still the choice.
  const std::string host = configuration(location("Site A", security(section("enabled=\"true\"", many(add_many("a"))))));
  const std::string web = configuration(security(section("", many(add_many("w")))));
  IisPolicy policy = read({{"applicationHost.config", host}, {"web.config", web}}, std::nullopt);
  EXPECT_EQ(policy.location, "Site A");
  EXPECT_EQ(names(policy), (std::vector<std::string>{"a", "w"}));
}

TEST(IisInheritance, AChosenPathWithoutALocationOfItsOwnInheritsBelowTheServer) {
  const std::string host = configuration(location("Site", security(section("enabled=\"true\"", many(add_many("s"))))));
  const std::string app = configuration(security(section("", many(add_many("app")))));
  // Two files: the application's web.config is "Site/app" itself.
  EXPECT_EQ(names(read({{"h", host}, {"app/web.config", app}}, "Site/app")), (std::vector<std::string>{"s", "app"}));
  // One file: a path it does not name is a mistake.
  auto error = capture_error([&] { read({{"h", host}}, "Site/ap"); });
  EXPECT_TRUE(contains(error.message(), "no <location path=\"Site/ap\"> in the file")) << error.what();
}

TEST(IisInheritance, ARelativeLocationInALowerFileIsRefused) {
  const std::string host = configuration(location("Site", security(section("enabled=\"true\""))));
  const std::string site = configuration(location("app", security(section("", many(add_many("relative"))))));
  auto error = capture_error([&] { read({{"h", host}, {"site/web.config", site}}, "Site/app"); });
  EXPECT_EQ(error.where().to_string(), "site/web.config:2:1");
  EXPECT_TRUE(contains(error.message(), "relative to that web.config's folder")) << error.what();
}

TEST(IisInheritance, NoInheritanceToChildApplicationsIsRefusedWhereItWouldMatter) {
  const std::string site = configuration(
      location(".", security(section("enabled=\"true\"", many(add_many("site")))), "inheritInChildApplications=\"false\""));
  // Read for the site itself: the settings are its own.
  EXPECT_EQ(names(read({{"site/web.config", site}}, std::nullopt)), (std::vector<std::string>{"site"}));
  // With an application's web.config below: whether it inherits depends on what IIS knows, not the files.
  const std::string app = configuration(security(section("", many(add_many("app")))));
  auto error = capture_error([&] { read({{"site/web.config", site}, {"app/web.config", app}}, ""); });
  EXPECT_EQ(error.where().to_string(), "site/web.config:2:1");
  EXPECT_TRUE(contains(error.message(), "inheritInChildApplications=\"false\"")) << error.what();
}

// ---- fragments ----

TEST(IisInheritance, FragmentsAreReadAtTheirPlace) {
  const std::string body = many(add_many("edge"));
  const std::string sect = section("enabled=\"true\"", body);
  const std::string access = "<access sslFlags=\"Ssl, SslNegotiateCert\"/>\n";
  struct Case {
    std::string xml;
    std::string root;
    bool has_access;
  };
  for (const Case& c : std::vector<Case>{
           {sect, "<iisClientCertificateMappingAuthentication>", false},
           {"<authentication>\n" + sect + "</authentication>\n", "<authentication>", false},
           {"<security>\n" + access + "<authentication>\n" + sect + "</authentication>\n</security>\n", "<security>", true},
           {security(sect, access), "<system.webServer>", true},
       }) {
    IisPolicy policy = read({{"sample.xml", c.xml}}, std::nullopt);
    EXPECT_EQ(names(policy), (std::vector<std::string>{"edge"})) << c.root;
    EXPECT_EQ(policy.mode.has_value(), c.has_access) << c.root;
    ASSERT_EQ(policy.notes.size(), 1u) << c.root;
    EXPECT_TRUE(contains(policy.notes[0].message, "sample.xml is a fragment: its root element is " + c.root)) << policy.notes[0].message;
    EXPECT_EQ(policy.notes[0].where.line, 1);
  }
  // A <location> fragment: its path is the only place.
  IisPolicy located = read({{"sample.xml", location("Default Web Site", security(sect))}}, std::nullopt);
  EXPECT_EQ(located.location, "Default Web Site");
  EXPECT_EQ(names(located), (std::vector<std::string>{"edge"}));
  ASSERT_EQ(located.notes.size(), 2u);
  EXPECT_TRUE(contains(located.notes[0].message, "its root element is <location path=\"Default Web Site\" ...>"));
  EXPECT_TRUE(contains(located.notes[1].message, "the only location with one"));

  // Positions are the fragment's own lines.
  EXPECT_CONFIG_ERROR_AT(read({{"sample.xml", "<authentication>\n  " + section("enabled=\"maybe\"") + "</authentication>\n"}},
                              std::nullopt),
                         2, 3, "enabled: 'maybe' is not a boolean");
  // Anything else is still refused.
  EXPECT_CONFIG_ERROR_AT(read({{"x.xml", "<system.web/>"}}, std::nullopt), 1, 1,
                         "expected <configuration>, or a fragment whose root is <location>");
}

// ---- the one-to-one certificate attribute ----

TEST(IisInheritance, CertificatePastedAsSomethingElseIsExplained) {
  const std::string der = read_bytes(kLeafDer);
  const std::string blob = leaf_blob();
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t i = 0; i < blob.size(); i += 64) pem += blob.substr(i, 64) + "\n";
  pem += "-----END CERTIFICATE-----";
  auto with = [](const std::string& value) {
    return configuration(security(section("enabled=\"true\"", one("<add userName=\"a\"\n     certificate=\"" + value +
                                                                  "\"/>\n"))));
  };
  struct Case {
    std::string value;
    std::string said;
  };
  for (const Case& c : std::vector<Case>{
           {pem, "this is PEM armour (-----BEGIN CERTIFICATE-----)"},
           {"9e060ffe9e591c7a3083b13fa22bb481fd10c94e", "this is a SHA-1 thumbprint (40 hex digits)"},
           {"\xE2\x80\x8E" "9e 06 0f fe 9e 59 1c 7a 30 83 b1 3f a2 2b b4 81 fd 10 c9 4e",
            "this is a SHA-1 thumbprint (40 hex digits)"},
           {"B2:10:D6:78:75:1E:6D:FA:64:BF:8B:7A:E7:9F:2D:D3:30:93:61:FD:17:5D:A0:63:D3:6B:B3:3C:AC:DE:66:D8",
            "this is a SHA-256 thumbprint (64 hex digits)"},
           {base64_encode(pem), "this is base64 of PEM text"},
           {base64_encode(std::string("\x30\x06\x02\x01\x03\x30\x01\x00", 8)), "this is base64 of a PKCS#12 (.pfx) file"},
           {base64_encode(std::string("\x30\x06\x02\x01\x00\x30\x01\x00", 8)), "this is base64 of a private key"},
           {"aGVsbG8gd29ybGQ=", "this is base64 of 11 bytes that are not a DER certificate"},
           {"***", "this is not base64 ('*' at offset 0)"},
       }) {
    EXPECT_CONFIG_ERROR_AT(read({{"web.config", with(c.value)}}, ""), 8, 6, c.said);
    auto error = capture_error([&] { read({{"web.config", with(c.value)}}, ""); });
    EXPECT_TRUE(contains(error.message(), "IIS expects the base64 of the certificate's DER, on one line")) << error.what();
    EXPECT_TRUE(contains(error.message(), "certgate cert convert edge.pem --to iis-blob")) << error.what();
  }
  // The blob itself, even broken over lines, is read.
  EXPECT_EQ(read({{"web.config", with(blob.substr(0, 50) + "\n " + blob.substr(50))}}, "").mapping.one_to_one.at(0).der, der);
}

}  // namespace
}  // namespace certgate::config
