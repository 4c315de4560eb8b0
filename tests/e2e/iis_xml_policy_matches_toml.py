#!/usr/bin/env python3
"""An IIS web.config with the many-to-one mapping of the TOML tests and sslFlags="Ssl, SslNegotiateCert,
SslRequireCert", loaded with [mapping] iis_config or --iis-config, gives the same verdicts as the TOML policy
(mapped, rogue, no certificate, unmapped). sslFlags without SslRequireCert makes the certificate optional."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config, to_toml
from harness.upstream import Upstream

WEB_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <access sslFlags="%s" />
      <authentication>
        <anonymousAuthentication enabled="false" />
        <iisClientCertificateMappingAuthentication enabled="true"
            manyToOneCertificateMappingsEnabled="true" oneToOneCertificateMappingsEnabled="true">
          <manyToOneMappings>
            <add name="edge" description="Cloudflare-style edge" enabled="true" permissionMode="Allow"
                 userName="edge-user" password="[enc:AesProvider:c2VjcmV0:enc]">
              <rules>
                <add certificateField="Subject" certificateSubField="CN" matchCriteria="edge.example.com"
                     compareCaseSensitive="true" />
              </rules>
            </add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
</configuration>
"""
REQUIRE = "Ssl, SslNegotiateCert, SslRequireCert"
CASES = [("edge", "edge"), ("rogue", "rogue"), ("none", None), ("unmapped", "unmapped")]


def verdicts(gw, up, label):
    """{case: (wire status, substatus, identity, mapping)} from the responses and the access log."""
    out = {}
    for case, cert in CASES:
        path = "/%s-%s" % (label, case)
        r = request(gw, path, cert=cert)
        check_eq(r.exit_code, 0, "curl exit code", r)
        entry = gw.log_for_path(path)
        check_eq(entry.get("status"), r.status, "access log status matches the wire", r)
        out[case] = (r.status, entry.get("substatus") or 0, entry.get("identity") or "", entry.get("mapping") or "")
    return out


def iis_only_config(p, up):
    cfg = base_config(p, up.url)
    del cfg["mapping"]
    del cfg["tls"]["mode"]
    return cfg


def main():
    p = pki()
    with Upstream() as up:
        with Gateway(base_config(p, up.url), name="toml") as gw:
            expected = verdicts(gw, up, "toml")
        # The reference verdicts themselves, so that "same as TOML" cannot hide a shared mistake.
        check_eq(expected["edge"][:1] + expected["edge"][2:], (200, "edge-user", "edge"), "TOML: edge")
        check_eq(expected["rogue"][:2], (403, 16), "TOML: rogue")
        check_eq(expected["none"][:2], (403, 7), "TOML: no certificate")
        check_eq(expected["unmapped"][:2], (401, 2), "TOML: unmapped")

        # [mapping] iis_config, relative to the TOML file.
        cfg = iis_only_config(p, up)
        cfg["mapping"] = {"iis_config": "web.config"}
        gw = Gateway(cfg, name="iis-toml", start=False)
        with open(os.path.join(gw.dir, "web.config"), "w") as f:
            f.write(WEB_CONFIG % REQUIRE)
        gw.start()
        with gw:
            check_eq(verdicts(gw, up, "iis"), expected, "verdicts of the IIS policy ([mapping] iis_config)")

        # --iis-config on the command line, with a TOML file that has no mapping at all.
        def argv(g):
            with open(os.path.join(g.dir, "web.config"), "w") as f:
                f.write(WEB_CONFIG % REQUIRE)
            c = iis_only_config(p, up)
            c["server"] = {"listen": [g.address()], "access_log": g.access_log_path, "log_format": "json"}
            with open(os.path.join(g.dir, "plain.toml"), "w") as f:
                f.write(to_toml(c))
            return ["serve", "-c", os.path.join(g.dir, "plain.toml"), "--iis-config", os.path.join(g.dir, "web.config")]

        with Gateway(argv=argv, name="iis-flag") as gw:
            check_eq(verdicts(gw, up, "flag"), expected, "verdicts of the IIS policy (--iis-config)")

        # sslFlags without SslRequireCert: the certificate becomes optional, so no certificate is 401.2.
        cfg = iis_only_config(p, up)
        cfg["mapping"] = {"iis_config": "web.config"}
        gw = Gateway(cfg, name="iis-accept", start=False)
        with open(os.path.join(gw.dir, "web.config"), "w") as f:
            f.write(WEB_CONFIG % "Ssl, SslNegotiateCert")
        gw.start()
        with gw:
            r = request(gw, "/accept-none", cert=None)
            check_rejected(gw, up, r, "/accept-none", 401, 2)
            r = request(gw, "/accept-edge", cert="edge")
            check(r.status == 200 and r.upstream_header("X-Client-Identity") == ["edge-user"],
                  "sslFlags accept: the edge certificate is still mapped", r)


if __name__ == "__main__":
    run_test(main)
