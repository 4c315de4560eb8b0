#!/usr/bin/env python3
"""`certgate check` warns (CG101, exit 1) when Cloudflare's shared origin-pull CA is trusted and a certificate
from it would be given an identity: with chain_only = true (a verified chain is enough), with a mapping on
Cloudflare's own subject (every account's edge presents it), in an IIS web.config. No CG101 when the block's
mappings only admit certificates from the operator's own AOP CA, in mode ignore, or with no mapping at all (then
nothing is admitted: CG207). --at shows the CA's expiry coming (CG105)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, fail, run_test, test_data_dir, subdir
from harness.tools import ToolPki, codes, findings, run, run_json, serve_toml, write

CLOUDFLARE_SUBJECT = """[[mapping.many_to_one]]
name = "cloudflare"
user = "cloudflare-edge"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "origin-pull.cloudflare.net"
"""
CHAIN_ONLY = "[mapping]\nchain_only = true\n"
OWN_CA_ONLY = """[[mapping.many_to_one]]
name = "own-aop"
user = "edge"
  [[mapping.many_to_one.rules]]
  field = "issuer"
  subfield = "CN"
  match = "tools test CA"
"""
WEB_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
      <authentication>
        <iisClientCertificateMappingAuthentication enabled="true">
          <manyToOneMappings>
            <add name="cf" permissionMode="Allow" userName="cf">
              <rules>
                <add certificateField="Issuer" certificateSubField="O" matchCriteria="CloudFlare*" />
              </rules>
            </add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
</configuration>
"""


def main():
    cf_ca = os.path.join(test_data_dir(), "aop-certs", "cloudflare-aop-origin-pull-ca-2019-2029.pem")
    if not os.path.exists(cf_ca):
        fail("the Cloudflare AOP CA is missing: %s (CERTGATE_TEST_DATA_DIR)" % cf_ca)
    d = subdir("cloudflare")
    p = ToolPki(os.path.join(d, "pki"))

    def checked(name, text, expect_warning):
        write(d, name, text)
        r, report = run_json(["check", "-c", name], d)
        if expect_warning:
            check_eq(codes(report), ["CG101"], "findings for %s" % name, r)
            check_eq(r.code, 1, "exit code for %s" % name, r)
        else:
            check_eq(codes(report), [], "findings for %s" % name, r)
            check_eq(r.code, 0, "exit code for %s" % name, r)
        return r, report

    r, report = checked("chain-only.toml", serve_toml(p, [cf_ca], CHAIN_ONLY), True)
    warning = report["findings"][0]
    check_eq((warning["severity"], warning["position"], warning["hosts"]), ("warning", cf_ca, ["default"]),
             "where the warning points", r)
    check("verified chain is enough" in warning["message"], "says why: %r" % warning["message"], r)
    check("any" in warning["message"] and "Cloudflare" in warning["message"], "says what follows", r)
    check("per-hostname" in warning["fix"], "recommends per-hostname AOP: %r" % warning["fix"], r)

    r, report = checked("cloudflare-subject.toml", serve_toml(p, [cf_ca], CLOUDFLARE_SUBJECT), True)
    check("mapping 'cloudflare' admits it as user 'cloudflare-edge'" in report["findings"][0]["message"],
          "names the mapping that lets every account in", r)

    # Own AOP CA next to the shared one, and only the own CA's certificates are mapped: restricted.
    checked("own-ca.toml", serve_toml(p, [cf_ca, p.pem("ca")], OWN_CA_ONLY), False)

    ignore = serve_toml(p, [cf_ca]).replace('mode = "require"', 'mode = "ignore"') + "[mapping]\nanonymous = true\n"
    checked("ignore.toml", ignore, False)

    # No mapping and chain_only not set: nobody is admitted, so no CG101; the empty policy is CG207 instead.
    write(d, "no-mapping.toml", serve_toml(p, [cf_ca]))
    r, report = run_json(["check", "-c", "no-mapping.toml"], d)
    check_eq(codes(report), ["CG207"], "findings for a policy without mappings", r)

    write(d, "web.config", WEB_CONFIG)
    r, report = run_json(["check", "--iis-config", "web.config", "--client-ca", cf_ca], d)
    check_eq([c for c in codes(report) if c != "CG009"], ["CG101"], "findings for the IIS configuration", r)
    check("mapping 'cf'" in findings(report, "CG101")[0]["message"], "names the IIS mapping", r)
    check_eq(r.code, 1, "exit code for the IIS configuration", r)

    # The text form: position, severity, code, block, message and fix on two lines.
    write(d, "chain-only.toml", serve_toml(p, [cf_ca], CHAIN_ONLY))
    r = run(["check", "-c", "chain-only.toml"], d)
    check(("%s: warning CG101 [default]: " % cf_ca) in r.stdout, "text line", r)
    check("\n  fix: " in r.stdout, "fix line", r)
    check("check: 0 errors, 1 warning" in r.stdout, "summary", r)

    # Seventeen days before the CA expires, check says so.
    r, report = run_json(["check", "-c", "own-ca.toml", "--at", "2029-10-15"], d)
    check("CG105" in codes(report), "the CA's coming expiry is reported: %r" % codes(report), r)


if __name__ == "__main__":
    run_test(main)
