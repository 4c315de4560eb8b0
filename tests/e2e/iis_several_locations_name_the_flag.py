#!/usr/bin/env python3
"""An applicationHost.config with a mapping section in two sites and none chosen: certgate does not guess.
`check` and `explain` refuse (exit 2), list both locations with their positions and name --iis-location (the flag)
and iis_location (the TOML key); a TOML iis_config without iis_location is refused the same way. With the location
chosen (by flag or key), that site's mapping decides, and `serve` admits and refuses by it."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import run, write
from harness.upstream import Upstream

SITE = """  <location path="%s">
    <system.webServer>
      <security>
        <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
        <authentication>
          <iisClientCertificateMappingAuthentication enabled="true">
            <manyToOneMappings>
              <add name="%s" userName="%s">
                <rules><add certificateField="Subject" certificateSubField="CN" matchCriteria="%s" /></rules>
              </add>
            </manyToOneMappings>
          </iisClientCertificateMappingAuthentication>
        </authentication>
      </security>
    </system.webServer>
  </location>
"""
APPLICATION_HOST = ("<configuration>\n" + SITE % ("Shop", "shop-edge", "shop", "edge.example.com") +
                    SITE % ("Blog", "blog-other", "blog", "other.example.com") + "</configuration>\n")


def main():
    p = pki()
    d = subdir("several-locations")
    host = write(d, "applicationHost.config", APPLICATION_HOST)
    listed = '2 places have a client certificate mapping section: "Shop" (%s:2:3), "Blog" (%s:18:3)' % (host, host)
    named = "choose one with --iis-location (flag) or iis_location (in [mapping])"

    for verb in (["check"], ["explain", "--cert", p.pem("edge")]):
        r = run(verb + ["--iis-config", host, "--client-ca", p.pem("ca")], d)
        check_eq(r.code, 2, "%s refuses to guess" % verb[0], r)
        out = r.stdout + r.stderr
        check(listed in out, "%s lists the locations" % verb[0], r)
        check(named in out, "%s names the flag and the key" % verb[0], r)

    toml = write(d, "certgate.toml", '[tls]\nclient_ca = ["%s"]\n[mapping]\niis_config = "%s"\n' % (p.pem("ca"), host))
    r = run(["check", "-c", toml], d)
    check_eq(r.code, 2, "TOML without iis_location", r)
    check(named in r.stdout, "the TOML case names the key too", r)

    r = run(["explain", "--iis-config", host, "--iis-location", "/blog/", "--client-ca", p.pem("ca"),
             "--cert", p.pem("unmapped")], d)
    check_eq(r.code, 0, "the chosen location decides", r)
    check("X-Client-Identity: blog\n" in r.stdout, "Blog's mapping admitted the certificate", r)
    check("note:" not in r.stderr, "no note when the location is chosen", r)

    with Upstream() as up:
        cfg = base_config(p, up.url)
        del cfg["tls"]["mode"]
        cfg["mapping"] = {"iis_config": host, "iis_location": "Shop"}
        with Gateway(cfg, name="shop") as gw:
            check_admitted(gw, up, request(gw, "/shop-edge", cert="edge"), "/shop-edge", "shop", "shop-edge")
            check_rejected(gw, up, request(gw, "/shop-other", cert="unmapped"), "/shop-other", 401, 2)


if __name__ == "__main__":
    run_test(main)
