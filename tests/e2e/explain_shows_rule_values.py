#!/usr/bin/env python3
"""From "IIS answers 401.2/403" to the fix: `certgate explain --iis-config web.config` lists every many-to-one
mapping in order with every rule, the certificate's actual value for it, match / NO MATCH and the rule's
web.config line; the disabled mapping is shown as skipped; the verdict is 401.2 (exit 1). After correcting the
one failing rule the same command admits the certificate (exit 0) and lists the identity headers."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.tools import run, run_json, write

WEB_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
      <authentication>
        <anonymousAuthentication enabled="false" />
        <iisClientCertificateMappingAuthentication enabled="true" manyToOneCertificateMappingsEnabled="true">
          <manyToOneMappings>
            <add name="partners" enabled="false" permissionMode="Allow" userName="partner">
              <rules>
                <add certificateField="Subject" certificateSubField="O" matchCriteria="Partner*" />
              </rules>
            </add>
            <add name="cloudflare-edge" enabled="true" permissionMode="Allow" userName="cf-edge"
                 password="[enc:AesProvider:c2VjcmV0:enc]">
              <rules>
                <add certificateField="Subject" certificateSubField="CN" matchCriteria="*.example.com"
                     compareCaseSensitive="true" />
                <add certificateField="Subject" certificateSubField="O" matchCriteria="%s"
                     compareCaseSensitive="true" />
                <add certificateField="Issuer" certificateSubField="CN" matchCriteria="certgate e2e test CA"
                     compareCaseSensitive="false" />
              </rules>
            </add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
</configuration>
"""
O_RULE_LINE = 20  # the <add certificateSubField="O"> rule of cloudflare-edge


def main():
    p = pki()
    d = subdir("iis")
    write(d, "web.config", WEB_CONFIG % "Example Inc")
    args = ["explain", "--iis-config", "web.config", "--client-ca", p.pem("ca"), "--cert", p.pem("edge")]

    r = run(args, d)
    check_eq(r.code, 1, "exit code when refused", r)
    out = r.stdout
    for expected in [
        "'partners' (disabled) at web.config:10:13: skipped",
        "'cloudflare-edge' (allow as 'cf-edge') at web.config:15:13: no match",
        'match     subject.CN = "*.example.com" (case-sensitive)',
        'NO MATCH  subject.O = "Example Inc" (case-sensitive)   (web.config:%d:17)' % O_RULE_LINE,
        "certificate: Example\n",
        'match     issuer.CN = "certgate e2e test CA" (case-insensitive)',
        "certificate: certgate e2e test CA",
        "1 of 3 rule",
        "401.2 Unauthorized",
        "none: the request does not reach the upstream",
    ]:
        check(expected in out, "explain output should contain %r" % expected, r)
    check(out.index("'partners'") < out.index("'cloudflare-edge'"), "mappings in configuration order", r)

    r, report = run_json(args, d)
    check_eq(r.code, 1, "exit code with --json", r)
    mappings = [s for s in report["trace"] if s["kind"] == "mapping"]
    check_eq([(m["label"], m["actual"], m["matched"]) for m in mappings],
             [("partners", "disabled", False), ("cloudflare-edge", "allow as 'cf-edge'", False)], "mapping steps", r)
    rules = [(x["label"].split(" =")[0], x["actual"], x["matched"], x["position"]) for x in mappings[1]["rules"]]
    check_eq(rules, [("subject.CN", "edge.example.com", True, "web.config:18:17"),
                     ("subject.O", "Example", False, "web.config:%d:17" % O_RULE_LINE),
                     ("issuer.CN", "certgate e2e test CA", True, "web.config:22:17")], "rules with actual values", r)
    check_eq(report["decision"]["status_text"], "401.2", "decision", r)
    check_eq(report["mode"], "require", "mode from sslFlags", r)

    # The fix the explanation points at: O is "Example".
    write(d, "web.config", WEB_CONFIG % "Example")
    r, report = run_json(args, d)
    check_eq(r.code, 0, "exit code when admitted", r)
    check_eq((report["decision"]["status"], report["decision"]["identity"], report["decision"]["mapping"]),
             (200, "cf-edge", "cloudflare-edge"), "decision after the fix", r)
    headers = {h["name"]: h["value"] for h in report["upstream_headers"]}
    check_eq(headers.get("X-Client-Identity"), "cf-edge", "identity header", r)
    check_eq(headers.get("X-Client-Mapping"), "cloudflare-edge", "mapping header", r)
    check_eq(headers.get("X-Client-Verify"), "SUCCESS", "verify header", r)
    r = run(args, d)
    check("X-Client-Identity: cf-edge" in r.stdout, "the text form lists the headers", r)


if __name__ == "__main__":
    run_test(main)
