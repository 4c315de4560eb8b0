#!/usr/bin/env python3
"""IIS samples are pasted as fragments: a file whose root is <security>, <system.webServer>, <authentication>,
<location> or the <iisClientCertificateMappingAuthentication> section itself is read as if it stood at its place in
a <configuration>. `check` notes that the file is a fragment and of what; `explain` admits by its mapping; a
<security> fragment also gives the mode from <access sslFlags>. A root that is none of them is still refused with
its position."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.tools import run, write

SECTION = """<iisClientCertificateMappingAuthentication enabled="true">
   <manyToOneMappings>
      <add name="edge" description="sample" permissionMode="Allow" userName="fragment-user">
         <rules>
            <add certificateField="Subject" certificateSubField="CN" matchCriteria="edge.example.com" />
         </rules>
      </add>
   </manyToOneMappings>
</iisClientCertificateMappingAuthentication>
"""
AUTHENTICATION = "<authentication>\n" + SECTION + "</authentication>\n"
SECURITY = '<security>\n<access sslFlags="Ssl, SslNegotiateCert" />\n' + AUTHENTICATION + "</security>\n"
WEB_SERVER = "<system.webServer>\n" + SECURITY + "</system.webServer>\n"
LOCATION = '<location path="Default Web Site">\n' + WEB_SERVER + "</location>\n"

CASES = [
    ("section.xml", SECTION, "its root element is <iisClientCertificateMappingAuthentication>, read as "
     "system.webServer/security/authentication/iisClientCertificateMappingAuthentication at the top level", "require"),
    ("authentication.xml", AUTHENTICATION, "its root element is <authentication>, read as "
     "system.webServer/security/authentication at the top level", "require"),
    ("security.xml", SECURITY, "its root element is <security>, read as system.webServer/security at the top level",
     "accept"),
    ("webserver.xml", WEB_SERVER, "its root element is <system.webServer>, read as system.webServer at the top level",
     "accept"),
    ("location.xml", LOCATION, 'its root element is <location path="Default Web Site" ...>, read as if inside '
     "<configuration>", "accept"),
]


def main():
    p = pki()
    d = subdir("fragments")
    for name, text, said, mode in CASES:
        write(d, name, text)
        r = run(["check", "--iis-config", name, "--client-ca", p.pem("ca")], d)
        check_eq(r.code, 0, "check reads %s" % name, r)
        check("%s:1:1: note CG010 [default]: %s is a fragment: %s" % (name, name, said) in r.stdout,
              "check notes the fragment %s" % name, r)
        line = [i for i, l in enumerate(text.split("\n"), 1) if '<add name="edge"' in l][0]
        check("  many-to-one 'edge': %s:%d:7\n" % (name, line) in r.stdout, "the mapping's position in the fragment", r)
        r = run(["explain", "--iis-config", name, "--client-ca", p.pem("ca"), "--cert", p.pem("edge")], d)
        check_eq(r.code, 0, "explain admits by %s" % name, r)
        check("X-Client-Identity: fragment-user\n" in r.stdout, "identity from %s" % name, r)
        check(("Mode         %s:" % mode) in r.stdout, "mode %s for %s" % (mode, name), r)
        check("note: %s:1:1: %s is a fragment" % (name, name) in r.stderr, "explain notes it too", r)
    r = run(["iis", "import", "location.xml"], d)
    check_eq(r.code, 0, "iis import reads a fragment", r)
    check('from location.xml, <location path="Default Web Site">.' in r.stdout, "the location of the fragment", r)

    write(d, "other.xml", "<!-- a sample -->\n  <system.web>\n  </system.web>\n")
    r = run(["check", "--iis-config", "other.xml", "--client-ca", p.pem("ca")], d)
    check_eq(r.code, 2, "another root is refused", r)
    check("other.xml:2:3: error CG001: not an IIS configuration file: the root element is <system.web>" in r.stdout,
          "with its position", r)


if __name__ == "__main__":
    run_test(main)
