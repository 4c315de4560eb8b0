#!/usr/bin/env python3
"""An IIS web.config whose <access sslFlags> never asks for a client certificate ("Ssl" alone, or "None": mode
ignore) while it has mappings: check warns (CG202, exit 1) that the mappings never apply and every request is
refused with 401.2 (no client certificate is requested), at the <access> element, with the fix in IIS words (add SslNegotiateCert,
SslRequireCert) and certgate's (mode = "require"); CG203 says every request is 401.2 too. serve agrees: a client
with a certificate the mapping would admit gets 401.2."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki, findings, run_json, write
from harness.upstream import Upstream

WEB_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <access sslFlags="%s" />
      <authentication>
        <iisClientCertificateMappingAuthentication enabled="true">
          <manyToOneMappings>
            <add name="edge" permissionMode="Allow" userName="edge-user">
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


def warnings(report):
    """The codes of the findings that are not notes (a policy alone gets CG009: nothing to serve with)."""
    return [f["code"] for f in report["findings"] if f["severity"] != "note"]


def main():
    d = subdir("ssl-flags")
    p = ToolPki(os.path.join(d, "pki"))
    write(d, "iis.toml", '[tls]\nclient_ca = ["%s"]\n\n[mapping]\niis_config = "web.config"\n' % p.pem("ca"))
    for flags in ("Ssl", "None"):
        write(d, "web.config", WEB_CONFIG % flags)
        r, report = run_json(["check", "-c", "iis.toml"], d)
        check_eq(warnings(report), ["CG202", "CG203"], "findings for sslFlags=%r" % flags, r)
        check_eq(r.code, 1, "exit code", r)
        f = findings(report, "CG202")[0]
        check("no client certificate is requested" in f["message"], "the cause: %r" % f, r)
        check("every request is refused with 401.2" in f["message"], "the consequence: %r" % f, r)
        check("SslNegotiateCert" in f["fix"] and "SslRequireCert" in f["fix"] and 'mode = "require"' in f["fix"],
              "the fix: %r" % f, r)
        # It points at what set the mode: the <access> element of web.config (line 5), not the [tls] table.
        check_eq((f["file"], f["line"]), ("web.config", 5), "CG202 points at <access sslFlags>", r)
        check_eq(findings(report, "CG203")[0]["line"], 5, "CG203 points at <access sslFlags>", r)

    # serve agrees: the certificate is never asked for, so the mapping cannot admit it.
    fixture = pki()
    with Upstream() as up:
        config = base_config(fixture, up.url)
        config["tls"]["mode"] = "ignore"
        with Gateway(config) as gw:
            resp = request(gw, "/ignored", cert="edge")
            check_rejected(gw, up, resp, "/ignored", 401, 2)


if __name__ == "__main__":
    run_test(main)
