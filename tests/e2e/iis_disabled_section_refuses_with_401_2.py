#!/usr/bin/env python3
"""An IIS web.config whose iisClientCertificateMappingAuthentication section is enabled="false", or whose
collections were emptied with <clear/>, refuses every verified certificate with 401.2, as IIS does: no IIS file
makes certgate admit a certificate just because it chains to client_ca. Anonymous authentication, when enabled,
still admits anonymously (without an identity)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

WEB_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.webServer>
    <security>
      <access sslFlags="%(flags)s" />
      <authentication>
        <anonymousAuthentication enabled="%(anonymous)s" />
        %(section)s
      </authentication>
    </security>
  </system.webServer>
</configuration>
"""
DISABLED = """<iisClientCertificateMappingAuthentication enabled="false">
          <manyToOneMappings>
            <add name="edge" userName="edge-user">
              <rules><add certificateField="Subject" certificateSubField="CN" matchCriteria="edge.example.com" /></rules>
            </add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>"""
DISABLED_EMPTY = '<iisClientCertificateMappingAuthentication enabled="false" />'
CLEARED = """<iisClientCertificateMappingAuthentication enabled="true">
          <oneToOneMappings><clear /></oneToOneMappings>
          <manyToOneMappings>
            <add name="everyone" userName="anyone" />
            <clear />
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>"""
REQUIRE = "Ssl, SslNegotiateCert, SslRequireCert"


def serve_iis(p, up, name, **web_config):
    cfg = base_config(p, up.url)
    del cfg["tls"]["mode"]  # the mode comes from sslFlags
    cfg["mapping"] = {"iis_config": "web.config"}
    gw = Gateway(cfg, name=name, start=False)
    with open(os.path.join(gw.dir, "web.config"), "w") as f:
        f.write(WEB_CONFIG % web_config)
    gw.start()
    return gw


def main():
    p = pki()
    with Upstream() as up:
        for name, section, why in (("disabled", DISABLED, "no mapping matched"),
                                   ("disabled-empty", DISABLED_EMPTY, "no mapping is configured"),
                                   ("cleared", CLEARED, "no mapping is configured")):
            with serve_iis(p, up, name, flags=REQUIRE, anonymous="false", section=section) as gw:
                for cert in ("edge", "unmapped"):
                    path = "/%s-%s" % (name, cert)
                    r = request(gw, path, cert=cert)
                    entry = check_rejected(gw, up, r, path, 401, 2)
                    check_eq(entry.get("verify"), "SUCCESS", "the chain itself verifies (%s)" % path, r)
                    check_eq(entry.get("identity") or "", "", "no identity (%s)" % path, r)
                    check(why in entry.get("reason", ""), "reason for %s says %r: %r" % (path, why, entry.get("reason")), r)
                check_rejected(gw, up, request(gw, "/%s-none" % name, cert=None), "/%s-none" % name, 403, 7)

        # Anonymous authentication on, certificate optional: admitted, but without an identity.
        with serve_iis(p, up, "anonymous", flags="Ssl, SslNegotiateCert", anonymous="true",
                       section=DISABLED_EMPTY) as gw:
            for cert in ("edge", None):
                path = "/anonymous-%s" % (cert or "none")
                r = request(gw, path, cert=cert)
                check_eq(r.status, 200, "anonymous access admits %s" % path, r)
                check_eq(r.upstream_header("X-Client-Identity"), [], "no identity reaches the upstream (%s)" % path, r)
                check_eq(r.upstream_header("X-Client-Mapping"), [], "no mapping reaches the upstream (%s)" % path, r)
                check_eq(gw.log_for_path(path).get("identity") or "", "", "access log identity (%s)" % path, r)


if __name__ == "__main__":
    run_test(main)
