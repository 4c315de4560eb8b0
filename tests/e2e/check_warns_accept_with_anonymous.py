#!/usr/bin/env python3
"""mode accept with anonymous = true (the nginx "ssl_verify_client optional" mistake; in IIS sslFlags
"Ssl, SslNegotiateCert" with anonymousAuthentication enabled): check warns (CG208, exit 1) at the block that a
request without a client certificate reaches the origin with no identity, and gives the fix (mode require /
SslRequireCert, or anonymous off). The same from an IIS web.config. serve does let such a request through
(X-Client-Verify: NONE), which is what the warning is about."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki, findings, line_of, run_json, write
from harness.upstream import Upstream

TOML = """[tls]
client_ca = ["%s"]
mode = "accept"

[mapping]
anonymous = true
[[mapping.many_to_one]]
name = "edge"
user = "edge-user"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "edge.example.com"
"""

WEB_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <access sslFlags="Ssl, SslNegotiateCert" />
      <authentication>
        <anonymousAuthentication enabled="true" />
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


def check_cg208(report, r, where):
    check_eq(warnings(report), ["CG208"], "findings (%s)" % where, r)
    check_eq(r.code, 1, "exit code", r)
    f = findings(report, "CG208")[0]
    check("without a client certificate reaches the origin" in f["message"], "the consequence: %r" % f, r)
    check("no identity" in f["message"], "no identity: %r" % f, r)
    check("SslRequireCert" in f["fix"] and 'mode = "require"' in f["fix"] and "anonymous" in f["fix"],
          "the fix in both words: %r" % f, r)
    return f


def warnings(report):
    """The codes of the findings that are not notes (a policy alone gets CG009: nothing to serve with)."""
    return [f["code"] for f in report["findings"] if f["severity"] != "note"]


def main():
    d = subdir("accept-anonymous")
    p = ToolPki(os.path.join(d, "pki"))
    text = TOML % p.pem("ca")
    write(d, "accept.toml", text)
    r, report = run_json(["check", "-c", "accept.toml"], d)
    f = check_cg208(report, r, "TOML")
    check_eq(f["line"], line_of(text, "mode = "), "at the mode that was set", r)

    write(d, "web.config", WEB_CONFIG)
    write(d, "iis.toml", '[tls]\nclient_ca = ["%s"]\n\n[mapping]\niis_config = "web.config"\n' % p.pem("ca"))
    r, report = run_json(["check", "-c", "iis.toml"], d)
    f = check_cg208(report, r, "IIS")
    check_eq((f["file"], f["line"]), ("web.config", line_of(WEB_CONFIG, "sslFlags")), "at <access sslFlags>", r)

    # What it warns about: serve admits a request without a certificate, with no identity.
    fixture = pki()
    with Upstream() as up:
        config = base_config(fixture, up.url)
        config["tls"]["mode"] = "accept"
        config["mapping"]["anonymous"] = True
        with Gateway(config) as gw:
            resp = request(gw, "/anonymous", cert=None)
            check_eq(resp.status, 200, "admitted without a certificate", resp)
            check_eq(resp.upstream_header("X-Client-Verify"), ["NONE"], "no certificate at the origin", resp)
            check_eq(resp.upstream_header("X-Client-Identity"), [], "no identity at the origin", resp)


if __name__ == "__main__":
    run_test(main)
