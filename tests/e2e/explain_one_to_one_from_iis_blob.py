#!/usr/bin/env python3
"""The one-to-one path an IIS operator follows: `cert convert --to iis-blob` gives the blob for
<oneToOneMappings>; `explain` then shows the one-to-one check matching (exit 0, the mapped user in the identity
header) before any many-to-one mapping is consulted. A disabled one-to-one mapping holding the certificate is
named as skipped, and the verdict falls through to the many-to-one mappings (401.2 here)."""
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
        <iisClientCertificateMappingAuthentication enabled="true" oneToOneCertificateMappingsEnabled="true">
          <oneToOneMappings>
            <add enabled="%s" userName="CONTOSO\\edge" password="[enc:AesProvider:c2VjcmV0:enc]"
                 certificate="%s" />
          </oneToOneMappings>
          <manyToOneMappings>
            <add name="others" permissionMode="Allow" userName="others">
              <rules>
                <add certificateField="Subject" certificateSubField="CN" matchCriteria="other.example.com" />
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
    p = pki()
    d = subdir("one-to-one")
    r = run(["cert", "convert", p.pem("edge"), "--to", "iis-blob"], d)
    check_eq(r.code, 0, "cert convert exit code", r)
    blob = r.stdout.strip()
    args = ["explain", "--iis-config", "web.config", "--client-ca", p.pem("ca"), "--cert", p.pem("edge")]

    write(d, "web.config", WEB_CONFIG % ("true", blob))
    r, report = run_json(args, d)
    check_eq(r.code, 0, "exit code when the one-to-one mapping admits", r)
    check_eq((report["decision"]["identity"], report["decision"]["mapping"]), ("CONTOSO\\edge", "CONTOSO\\edge"),
             "identity and mapping (IIS one-to-one mappings are named after their user)", r)
    steps = [s["kind"] for s in report["trace"]]
    check_eq(steps, ["mode", "mapping_mode", "verify", "one_to_one", "result"], "no many-to-one mapping is consulted", r)
    check_eq(report["trace"][3]["actual"], "sha256 " + report["certificate"]["sha256"], "the fingerprint looked up", r)
    headers = {h["name"]: h["value"] for h in report["upstream_headers"]}
    check_eq(headers.get("X-Client-Identity"), "CONTOSO\\edge", "identity header", r)
    r = run(args, d)
    check("One-to-one mappings (checked first)\n  MATCH" in r.stdout, "text form", r)

    write(d, "web.config", WEB_CONFIG % ("false", blob))
    r, report = run_json(args, d)
    check_eq((r.code, report["decision"]["status_text"]), (1, "401.2"), "with the one-to-one mapping disabled", r)
    one = [s for s in report["trace"] if s["kind"] == "one_to_one"][0]
    check("disabled mapping 'CONTOSO\\edge'" in one["note"], "the disabled mapping is named: %r" % one["note"], r)


if __name__ == "__main__":
    run_test(main)
