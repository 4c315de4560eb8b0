#!/usr/bin/env python3
"""Mapping findings of `certgate check`, each at the position of the mapping or rule concerned, exit 1:
CG205 a rule that can never match (C longer than two letters), CG206 a '*' inside a value, CG211 a mapping
shadowed by an earlier one, CG212 a duplicate, CG213 a deny after an allow-all, CG201 anonymous with require,
CG202/CG203 mode ignore with mappings / without anonymous access, CG204 mappings switched off (IIS enabled="false"),
CG121 a one-to-one certificate that does not chain to the block's anchors, CG122 one that has expired. explain
agrees with the shadowing."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, findings, line_of, run_json, serve_toml, write

MAPPINGS = """[mapping]
anonymous = true

[[mapping.many_to_one]]
name = "usa"
user = "u"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "C"
  match = "USA"

[[mapping.many_to_one]]
name = "edges"
user = "edge-user"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "*.example.com"

[[mapping.many_to_one]]
name = "edge-only"
user = "edge-only-user"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "edge.example.com"

[[mapping.many_to_one]]
name = "edges-again"
user = "someone"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "2.5.4.3"
  match = "**.example.com"

[[mapping.many_to_one]]
name = "star"
user = "s"
  [[mapping.many_to_one.rules]]
  field = "issuer"
  subfield = "O"
  match = "Ex*ple"

[[mapping.many_to_one]]
name = "everyone"
user = "anyone"

[[mapping.many_to_one]]
name = "block"
permission = "deny"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "blocked.example.com"

[[mapping.many_to_one]]
name = "late"
user = "l"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "late.test"
"""
IGNORE_HOST = """
[[host]]
names = ["a.test"]
mode = "ignore"
  [[host.mapping.many_to_one]]
  name = "never"
  user = "n"
"""
WEB_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
      <authentication>
        <iisClientCertificateMappingAuthentication enabled="false">
          <manyToOneMappings>
            <add name="edge" permissionMode="Allow" userName="edge">
              <rules>
                <add certificateField="Subject" certificateSubField="CN" matchCriteria="edge.example.com" />
              </rules>
            </add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
</configuration>
"""


def at(report, code):
    return [(f["line"], f["hosts"]) for f in findings(report, code)]


def main():
    d = subdir("mappings")
    p = ToolPki(os.path.join(d, "pki"))
    text = serve_toml(p, [p.pem("ca")], MAPPINGS, IGNORE_HOST)
    write(d, "certgate.toml", text)
    r, report = run_json(["check", "-c", "certgate.toml"], d)
    check_eq(r.code, 1, "exit code for warnings", r)
    line = lambda needle: line_of(text, needle)
    mapping_line = lambda name: line('name = "%s"' % name) - 1  # the [[mapping.many_to_one]] header

    # Findings about the mode are at the key that set it.
    check_eq(at(report, "CG201"), [(line('mode = "require"'), ["default"])], "CG201 anonymous with require", r)
    check_eq(at(report, "CG205"), [(line('match = "USA"') - 3, ["default"])], "CG205 at the rule's [[rules]] table", r)
    check_eq(at(report, "CG206"), [(line('match = "Ex*ple"') - 3, ["default"])], "CG206 at the rule's [[rules]] table", r)
    check_eq(at(report, "CG211"), [(mapping_line("edge-only"), ["default"]), (mapping_line("late"), ["default"])],
             "CG211 shadowed mappings", r)
    check("'edges'" in findings(report, "CG211")[0]["message"], "names the mapping that hides it", r)
    check("has no rules" in findings(report, "CG211")[1]["message"], "the allow-all hides 'late'", r)
    check_eq(at(report, "CG212"), [(mapping_line("edges-again"), ["default"])], "CG212 duplicate (the OID of CN, a doubled star)", r)
    check_eq(at(report, "CG213"), [(mapping_line("block"), ["default"])], "CG213 deny after allow-all", r)
    check_eq(at(report, "CG202"), [(line('mode = "ignore"'), ["a.test"])], "CG202 ignore with mappings", r)
    check_eq(at(report, "CG203"), [(line('mode = "ignore"'), ["a.test"])], "CG203 ignore, anonymous off", r)
    for f in report["findings"]:
        check(f["fix"], "every finding has a fix: %r" % f, r)
        check(f["position"].startswith("certgate.toml:"), "every finding has a position: %r" % f, r)

    # explain agrees: edge.example.com gets the 'edges' user, not 'edge-only'; the blocked one is admitted.
    r, explained = run_json(["explain", "-c", "certgate.toml", "--cert", p.pem("edge")], d)
    check_eq(explained["decision"]["mapping"], "edges", "the shadowing mapping decides", r)

    # IIS: the whole section switched off, its mappings never apply.
    write(d, "web.config", WEB_CONFIG)
    r, report = run_json(["check", "--iis-config", "web.config", "--client-ca", p.pem("ca")], d)
    check_eq([c for c in codes(report) if c != "CG009"], ["CG204"], "IIS enabled=false", r)
    check(findings(report, "CG204")[0]["position"].startswith("web.config:9:"), "at the first mapping", r)

    # A one-to-one certificate from a CA the block does not trust.
    p.root("other", "/O=Other/CN=other CA")
    stranger = p.issue("stranger", "/O=Other/CN=stranger", issuer="other")
    one = '[[mapping.one_to_one]]\nuser = "stranger"\ncertificate = "%s"\n' % stranger
    one_text = serve_toml(p, [p.pem("ca")], one)
    write(d, "one.toml", one_text)
    r, report = run_json(["check", "-c", "one.toml"], d)
    check_eq(codes(report), ["CG121"], "one-to-one outside the anchors", r)
    check_eq(report["findings"][0]["line"], line_of(one_text, "[[mapping.one_to_one]]"), "at the mapping", r)
    check("unable to get local issuer certificate" in report["findings"][0]["message"], "OpenSSL's reason", r)

    # One from the trusted CA, but expired: it chains, yet can never be presented successfully now.
    old = p.issue("old-client", "/O=Example/CN=old.example.com", days=(-60, -5))
    write(d, "old.toml", serve_toml(p, [p.pem("ca")], '[[mapping.one_to_one]]\nuser = "old"\ncertificate = "%s"\n' % old))
    r, report = run_json(["check", "-c", "old.toml"], d)
    check_eq(codes(report), ["CG122"], "expired one-to-one certificate", r)
    check("certificate has expired" in report["findings"][0]["message"], "OpenSSL's reason", r)


if __name__ == "__main__":
    run_test(main)
