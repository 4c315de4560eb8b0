#!/usr/bin/env python3
"""The mapping IIS applies to an application comes from several files: applicationHost.config (its top level, then
<location path="Default Web Site">), the site's web.config, the application's web.config. certgate merges them for
the path asked for, as IIS does: the server's mapping is inherited, the site's web.config <remove>s it, adds a deny
mapping and turns anonymous access off again; the application's web.config adds its own mapping. `serve` (given the
files as an iis_config list) admits and refuses by the merged policy, for the site and for the application;
`check` and `explain` name the file:line each mapping came from; `iis import` of the same files writes the merged
policy with those positions in its comments. A site location locked with overrideMode="Deny" makes the site's
web.config that writes the section a configuration error naming both places (IIS: 500.19)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import run, run_json, write
from harness.upstream import Upstream


def rule(cn):
    return '<rules><add certificateField="Subject" certificateSubField="CN" matchCriteria="%s" /></rules>' % cn


APPLICATION_HOST = """<configuration>
  <system.webServer>
    <security>
      <authentication>
        <anonymousAuthentication enabled="true" />
        <iisClientCertificateMappingAuthentication enabled="true">
          <manyToOneMappings>
            <add name="server-wide" userName="server-user">%s</add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
  <location path="Default Web Site"%%s>
    <system.webServer>
      <security>
        <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
        <authentication>
          <iisClientCertificateMappingAuthentication>
            <manyToOneMappings>
              <add name="site-edge" userName="site-edge-user">%s</add>
            </manyToOneMappings>
          </iisClientCertificateMappingAuthentication>
        </authentication>
      </security>
    </system.webServer>
  </location>
</configuration>
""" % (rule("other.example.com"), rule("edge.example.com"))
SITE_WEB_CONFIG = """<configuration>
  <system.webServer>
    <security>
      <authentication>
        <anonymousAuthentication enabled="false" />
        <iisClientCertificateMappingAuthentication>
          <manyToOneMappings>
            <remove name="Server-Wide" />
            <add name="no-blocked" permissionMode="Deny">%s</add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
</configuration>
""" % rule("blocked.example.com")
APP_WEB_CONFIG = """<configuration>
  <system.webServer>
    <security>
      <authentication>
        <iisClientCertificateMappingAuthentication>
          <manyToOneMappings>
            <add name="app-other" userName="app-user">%s</add>
          </manyToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
</configuration>
""" % rule("other.example.com")


def main():
    p = pki()
    d = subdir("inheritance")
    host = write(d, "applicationHost.config", APPLICATION_HOST % "")
    os.makedirs(os.path.join(d, "site", "app"))
    site = write(d, "site/web.config", SITE_WEB_CONFIG)
    app = write(d, "site/app/web.config", APP_WEB_CONFIG)
    site_files = ["--iis-config", host, "--iis-config", site]
    app_files = site_files + ["--iis-config", app]

    # check: the merge, and where each mapping came from.
    r = run(["check"] + app_files + ["--iis-location", "Default Web Site/app", "--client-ca", p.pem("ca")], d)
    check_eq(r.code, 0, "check of the merged policy", r)
    check("mapping [default]: mapped with 3 mappings" in r.stdout, "three mappings survive the merge", r)
    for line in ("  many-to-one 'site-edge': %s:21:15\n" % host, "  many-to-one 'no-blocked': %s:9:13\n" % site,
                 "  many-to-one 'app-other': %s:7:13\n" % app):
        check(line in r.stdout, "check names %r" % line.strip(), r)
    check("'server-wide'" not in r.stdout, "the removed mapping is gone", r)
    check('note CG010 [default]: IIS section for <location path="Default Web Site/app"> merged from 4 places, the '
          "server first: %s:6:9 (the top level), %s:19:11 (<location path=\"Default Web Site\">), %s:6:9 (the top "
          "level), %s:5:9 (the top level)" % (host, host, site, app) in r.stdout, "the merge is noted", r)

    r, report = run_json(["check"] + app_files + ["--iis-location", "Default Web Site/app", "--client-ca", p.pem("ca")], d)
    check_eq(report["blocks"][0]["mapping_sources"],
             [{"kind": "many_to_one", "name": "site-edge", "position": "%s:21:15" % host},
              {"kind": "many_to_one", "name": "no-blocked", "position": "%s:9:13" % site},
              {"kind": "many_to_one", "name": "app-other", "position": "%s:7:13" % app}], "check --json positions", r)

    # explain: the position of the mapping that admitted, in the application's file.
    r = run(["explain"] + app_files + ["--iis-location", "default web site/APP", "--client-ca", p.pem("ca"),
                                       "--cert", p.pem("unmapped")], d)
    check_eq(r.code, 0, "explain admits other.example.com in the application", r)
    check("'app-other' (allow as 'app-user') at %s:7:13: MATCH" % app in r.stdout, "explain names the file:line", r)

    # iis import: the same merged policy, each mapping's comment naming its file.
    out = os.path.join(d, "imported.toml")
    r = run(["iis", "import", host, site, app, "--location", "Default Web Site/app", "-o", out], d)
    check_eq(r.code, 0, "iis import of several files", r)
    toml = open(out).read()
    check("# from %s:21:15\n[[mapping.many_to_one]]\nname = \"site-edge\"" % host in toml, "site-edge's comment", r)
    check("# from %s:7:13\n[[mapping.many_to_one]]\nname = \"app-other\"" % app in toml, "app-other's comment", r)
    check("server-wide" not in toml, "the removed mapping is not imported", r)

    # serve, from a TOML iis_config list: the site and the application, each through curl.
    with Upstream() as up:
        for label, files, location, expected in (
                ("site", [host, site], "Default Web Site",
                 {"edge": (200, "site-edge-user", "site-edge"), "unmapped": (401, 2), "blocked": (403, 12)}),
                ("app", [host, site, app], "Default Web Site/app",
                 {"edge": (200, "site-edge-user", "site-edge"), "unmapped": (200, "app-user", "app-other"),
                  "blocked": (403, 12)})):
            cfg = base_config(p, up.url)
            del cfg["tls"]["mode"]  # from the location's sslFlags
            cfg["mapping"] = {"iis_config": files, "iis_location": location}
            with Gateway(cfg, name=label) as gw:
                for cert, verdict in expected.items():
                    path = "/%s-%s" % (label, cert)
                    resp = request(gw, path, cert=cert)
                    if verdict[0] == 200:
                        check_admitted(gw, up, resp, path, verdict[1], verdict[2])
                    else:
                        check_rejected(gw, up, resp, path, verdict[0], verdict[1])
                # Anonymous access was turned off again by the site's web.config: no certificate, 403.7.
                check_rejected(gw, up, request(gw, "/%s-none" % label, cert=None), "/%s-none" % label, 403, 7)

    # A lock on the site's location: the site's web.config may not write the section.
    locked = write(d, "locked.config", APPLICATION_HOST % ' overrideMode="Deny"')
    r = run(["check", "--iis-config", locked, "--iis-config", site, "--iis-location", "Default Web Site",
             "--client-ca", p.pem("ca")], d)
    check_eq(r.code, 2, "the locked section refuses the lower file", r)
    check("%s:6:9: error CG001: <iisClientCertificateMappingAuthentication> cannot be set in this file: <location "
          "path=\"Default Web Site\" overrideMode=\"Deny\"> at %s:14:37 locks it for the files below" % (site, locked)
          in r.stdout, "both positions are named", r)
    check("500.19" in r.stdout, "as IIS answers", r)


if __name__ == "__main__":
    run_test(main)
