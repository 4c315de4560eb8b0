#!/usr/bin/env python3
"""certgate iis import on a real-looking applicationHost.config: two sites with a mapping section, so without
--location the import lists them (with their positions) and stops with exit 2. With --location it writes TOML that
keeps every real-world variant: S and ST as written, a one-to-one blob broken over lines, encrypted passwords kept
opaque, a mapping with no rules, disabled mappings, sslFlags -> mode; each mapping with a file:line:column comment.
certgate then serves that TOML with the verdicts IIS would give: the edge certificate (one-to-one, checked first)
is admitted, the disabled mapping admits nobody (401.2), the deny mapping gives 403.12, no certificate 403.7."""
import base64
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.iis_tools import certgate, parse_json, serve_and_judge, serving_toml, write
from harness.upstream import Upstream

APPLICATION_HOST = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <configSections>
    <sectionGroup name="system.webServer">
      <sectionGroup name="security">
        <section name="access" overrideModeDefault="Deny" />
      </sectionGroup>
    </sectionGroup>
  </configSections>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1" />
      <site name="api.contoso.com" id="2" />
    </sites>
  </system.applicationHost>
  <location path="Default Web Site">
    <system.webServer>
      <security>
        <access sslFlags="Ssl, SslNegotiateCert" />
        <authentication>
          <iisClientCertificateMappingAuthentication enabled="false">
            <manyToOneMappings>
              <add name="legacy" userName="legacy" />
            </manyToOneMappings>
          </iisClientCertificateMappingAuthentication>
        </authentication>
      </security>
    </system.webServer>
  </location>
  <location path="api.contoso.com" overrideMode="Allow">
    <system.webServer>
      <security>
        <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
        <authentication>
          <anonymousAuthentication enabled="false" />
          <iisClientCertificateMappingAuthentication enabled="true" oneToOneCertificateMappingsEnabled="true"
              manyToOneCertificateMappingsEnabled="true">
            <oneToOneMappings>
              <add userName="cf-origin-pull" password="[enc:AesProvider:hY5q3bW1sNw0dGVzdA==:enc]"
                   certificate="@BLOB@" />
            </oneToOneMappings>
            <manyToOneMappings>
              <add name="Contoso state" userName="CONTOSO\\state" password="[enc:IISCngProvider:MIIBRgYJKoZI:enc]">
                <rules>
                  <add certificateField="Subject" certificateSubField="S" matchCriteria="Washington" />
                  <add certificateField="Issuer" certificateSubField="ST" matchCriteria="Wash*" compareCaseSensitive="false" />
                </rules>
              </add>
              <add name="other clients" enabled="false" userName="other">
                <rules>
                  <add certificateField="Subject" certificateSubField="CN" matchCriteria="other.example.com" />
                </rules>
              </add>
              <add name="Block &amp; log" permissionMode="Deny">
                <rules>
                  <add certificateField="Subject" certificateSubField="CN" matchCriteria="blocked.*" />
                </rules>
              </add>
              <add name="catch-all" enabled="false" userName="anyone" />
            </manyToOneMappings>
          </iisClientCertificateMappingAuthentication>
        </authentication>
      </security>
    </system.webServer>
  </location>
</configuration>
"""


def blob_broken_over_lines(pem):
    der = subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER"], capture_output=True, check=True).stdout
    text = base64.b64encode(der).decode()
    return "\n                   ".join(text[i:i + 64] for i in range(0, len(text), 64))


def main():
    p = pki()
    work = subdir("iis")
    app_host = write(os.path.join(work, "applicationHost.config"),
                     APPLICATION_HOST.replace("@BLOB@", blob_broken_over_lines(p.pem("edge"))))

    # Two locations and none chosen: list them, exit 2, write nothing.
    out_toml = os.path.join(work, "imported.toml")
    r = certgate(["iis", "import", app_host, "-o", out_toml])
    check_eq(r.code, 2, "exit code with several locations", r)
    check('"Default Web Site" (%s:16:3), "api.contoso.com" (%s:30:3)' % (app_host, app_host) in r.stderr,
          "the locations are listed", r)
    check("choose one with --location" in r.stderr, "the message says what to do", r)
    check(not os.path.exists(out_toml), "nothing written", r)
    j = certgate(["iis", "import", app_host, "--json"])
    check_eq(j.code, 2, "exit code with --json", j)
    check_eq(parse_json(j)["locations"], [{"path": "Default Web Site", "file": app_host, "line": 16},
                                          {"path": "api.contoso.com", "file": app_host, "line": 30}],
             "locations in JSON", j)

    r = certgate(["iis", "import", app_host, "--location", "/API.contoso.com/", "-o", out_toml])
    check_eq(r.code, 0, "exit code of the import", r)
    check('wrote %s: 1 one-to-one and 4 many-to-one mappings from <location path="api.contoso.com">' % out_toml
          in r.stdout, "summary", r)
    toml = open(out_toml, encoding="utf-8").read()
    for expected in (
            'mode = "require"',
            '# from <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert"> at %s:33:9' % app_host,
            "# from %s:39:15" % app_host,                      # the one-to-one <add>
            'password = "[enc:AesProvider:hY5q3bW1sNw0dGVzdA==:enc]"',
            'password = "[enc:IISCngProvider:MIIBRgYJKoZI:enc]"',
            'user = "CONTOSO\\\\state"',
            'subfield = "S"\n', 'subfield = "ST"\n',
            'name = "other clients"\nenabled = false\n',
            'name = "Block & log"\npermission = "deny"\n',
            'name = "catch-all"\nenabled = false\npermission = "allow"\nuser = "anyone"\n'
            '# no rules: matches every certificate that verifies',
    ):
        check(expected in toml, "imported TOML should contain %r" % expected, r)
    blob = re.search(r'blob = "([^"]*)"', toml).group(1)
    check(re.fullmatch(r"[A-Za-z0-9+/=]+", blob) is not None, "the blob is written as one line", r)
    check_eq(toml.count("# from %s:" % app_host), 5 + 4, "provenance comments (mappings and rules)", r)
    check('from %s, <location path="api.contoso.com">.' % app_host in toml, "the location as the file names it", r)

    # The other location: the section is off (enabled="false") and the certificate only negotiated.
    r = certgate(["iis", "import", app_host, "--location", "Default Web Site"])
    check_eq(r.code, 0, "exit code", r)
    check('mode = "accept"' in r.stdout and "one_to_one_enabled = false\nmany_to_one_enabled = false" in r.stdout,
          "disabled section imported as disabled", r)
    check('has enabled="false": both kinds of mapping are off, as in IIS.' in r.stdout, "comment on the section", r)

    # What the imported policy does, served by certgate.
    with Upstream() as up:
        v = serve_and_judge(p, up, serving_toml(p, up.url, toml), "imported")
    check_eq(v["edge"], (200, 0, "cf-origin-pull", "cf-origin-pull"), "edge: one-to-one mapping", v)
    check_eq(v["none"][:2], (403, 7), "no certificate (SslRequireCert)", v)
    check_eq(v["rogue"][:2], (403, 16), "untrusted certificate", v)
    check_eq(v["unmapped"][:2], (401, 2), "the mapping for other.example.com is disabled", v)
    check_eq(v["blocked"][:2] + v["blocked"][3:], (403, 12, "Block & log"), "deny mapping", v)


if __name__ == "__main__":
    run_test(main)
