#!/usr/bin/env python3
"""An applicationHost.config as IIS Manager's Configuration Editor writes it: the client certificate mapping lives
in <location path="Default Web Site">, nothing at the top level. With no --iis-location, `explain`, `check` and
`iis import` use that one location and say so in a note (naming --iis-location for choosing another): explain
admits the edge certificate through the one-to-one mapping and names its file:line:column, check lists where each
mapping came from, iis import writes the location's policy."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shutil

from harness.common import check, check_eq, pki, run_test, subdir
from harness.tools import run, write

APPLICATION_HOST = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <system.applicationHost>
        <sites>
            <site name="Default Web Site" id="1" />
        </sites>
    </system.applicationHost>
    <system.webServer>
        <defaultDocument enabled="true" />
    </system.webServer>
    <location path="Default Web Site">
        <system.webServer>
            <security>
                <access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />
                <authentication>
                    <anonymousAuthentication enabled="false" />
                    <iisClientCertificateMappingAuthentication enabled="true" oneToOneCertificateMappingsEnabled="true">
                        <oneToOneMappings>
                            <add userName="cloudflare-edge" password="[enc:AesProvider:c2VjcmV0:enc]" certificate="%s" />
                        </oneToOneMappings>
                    </iisClientCertificateMappingAuthentication>
                </authentication>
            </security>
        </system.webServer>
    </location>
</configuration>
"""
NOTE = ('applicationHost.config:11:5: IIS section read from <location path="Default Web Site"> (the only location '
        'with one); pass --iis-location to choose another')


def main():
    p = pki()
    d = subdir("single-location")
    blob = run(["cert", "convert", p.pem("edge"), "--to", "iis-blob"], d).stdout.strip()
    write(d, "applicationHost.config", APPLICATION_HOST % blob)
    shutil.copy(p.pem("ca"), os.path.join(d, "origin-pull-ca.pem"))
    shutil.copy(p.pem("edge"), os.path.join(d, "edge.pem"))

    r = run(["explain", "--iis-config", "applicationHost.config", "--client-ca", "origin-pull-ca.pem",
             "--cert", "edge.pem"], d)
    check_eq(r.code, 0, "explain admits with no --iis-location", r)
    check("note: " + NOTE in r.stderr, "explain says which location it read", r)
    check("One-to-one mappings (checked first)\n  MATCH" in r.stdout, "the one-to-one mapping matched", r)
    check("  mapping at applicationHost.config:19:29\n" in r.stdout, "where the mapping is", r)
    check("X-Client-Identity: cloudflare-edge\n" in r.stdout, "the identity header", r)
    check("Mode         require" in r.stdout, "sslFlags of the location give the mode", r)

    r = run(["check", "--iis-config", "applicationHost.config", "--client-ca", "origin-pull-ca.pem"], d)
    # The only warning: the fixture's edge certificate lives 30 days, inside CG124's 30-day mark.
    warnings = [l for l in r.stdout.splitlines() if " warning " in l]
    check(len(warnings) == 1 and "warning CG124" in warnings[0], "check has no finding but the edge's expiry", r)
    check(NOTE.replace(": IIS section", ": note CG010 [default]: IIS section") in r.stdout, "check notes the location", r)
    check("  one-to-one 'cloudflare-edge' (user cloudflare-edge): applicationHost.config:19:29\n" in r.stdout,
          "check lists where the mapping came from", r)

    r = run(["iis", "import", "applicationHost.config"], d)
    check_eq(r.code, 0, "iis import picks the only location too", r)
    check("note: " + NOTE in r.stderr, "iis import notes the location", r)
    check('from applicationHost.config, <location path="Default Web Site">.' in r.stdout, "the TOML says where", r)
    check('# from applicationHost.config:19:29\n' in r.stdout, "the mapping's comment names its position", r)
    check('mode = "require"' in r.stdout, "the mode from the location's sslFlags", r)

    # Asking for the top level explicitly reads it: there is no section there.
    r = run(["check", "--iis-config", "applicationHost.config", "--iis-location", "", "--client-ca", "origin-pull-ca.pem"], d)
    check_eq(r.code, 2, "the top level has no section", r)
    check('no <iisClientCertificateMappingAuthentication> section at the top level; locations with a client '
          'certificate mapping section: "Default Web Site"' in r.stdout, "and the message says where one is", r)


if __name__ == "__main__":
    run_test(main)
