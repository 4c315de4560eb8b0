#!/usr/bin/env python3
"""certgate iis export prints a pasteable web.config (well-formed XML, attribute values escaped, <access sslFlags>
for the mode, <anonymousAuthentication>, every mapping with its rules, one-to-one certificates as one-line
base64 DER) and the equivalent appcmd.exe commands (a mapping whose values appcmd cannot be given becomes a REM
line). Served back with --iis-config, the exported XML gives exactly the verdicts of the original TOML. --location,
--host, --json; a chain-only policy is a finding (exit 1): IIS has no such setting and would answer 401.2 to
everyone; a policy without mappings and without chain_only refuses everyone in both, and exports cleanly."""
import base64
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import EDGE_MAPPING, Gateway, base_config, to_toml
from harness.hosts import two_host_config
from harness.iis_tools import certgate, parse_json, verdicts, write
from harness.upstream import Upstream

DENY_NAME = 'Block "contractors" & <others>'
SECTION = "system.webServer/security/authentication/iisClientCertificateMappingAuthentication"


def policy(p, up):
    cfg = base_config(p, up.url, mappings=[
        dict(EDGE_MAPPING, description="Cloudflare's edge: CN & O"),
        {"name": DENY_NAME, "permission": "deny",
         "rules": [{"field": "subject", "subfield": "CN", "match": "blocked.*", "case_sensitive": False}]},
    ])
    cfg["mapping"]["one_to_one"] = [{"user": "other-user", "certificate": p.pem("unmapped"), "password": "p@ss&<word>"}]
    return cfg


def der_base64(pem):
    der = subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER"], capture_output=True, check=True).stdout
    return base64.b64encode(der).decode()


def main():
    p = pki()
    work = subdir("export")
    with Upstream() as up:
        cfg = policy(p, up)
        toml_path = write(os.path.join(work, "certgate.toml"), to_toml(cfg))

        r = certgate(["iis", "export", "-c", toml_path])
        check_eq(r.code, 0, "exit code", r)
        xml_text, sep, appcmd_text = r.stdout.partition("\nREM The same settings")
        check(sep != "", "XML, then the appcmd commands", r)
        root = ET.fromstring(xml_text.encode("utf-8"))
        security = root.find("system.webServer/security")
        check_eq(security.find("access").get("sslFlags"), "Ssl, SslNegotiateCert, SslRequireCert", "sslFlags", r)
        auth = security.find("authentication")
        check_eq(auth.find("anonymousAuthentication").get("enabled"), "false", "anonymous", r)
        section = auth.find("iisClientCertificateMappingAuthentication")
        check_eq(section.get("enabled"), "true", "section enabled", r)
        manys = section.findall("manyToOneMappings/add")
        check_eq([m.get("name") for m in manys], ["edge", DENY_NAME], "many-to-one names (unescaped)", r)
        check_eq(manys[0].get("description"), "Cloudflare's edge: CN & O", "description", r)
        check_eq(manys[1].get("permissionMode"), "Deny", "permissionMode", r)
        rule = manys[1].find("rules/add")
        check_eq((rule.get("certificateField"), rule.get("certificateSubField"), rule.get("matchCriteria"),
                  rule.get("compareCaseSensitive")), ("Subject", "CN", "blocked.*", "false"), "rule attributes", r)
        one = section.find("oneToOneMappings/add")
        check_eq((one.get("userName"), one.get("password"), one.get("enabled")), ("other-user", "p@ss&<word>", "true"),
                 "one-to-one attributes", r)
        check_eq(one.get("certificate"), der_base64(p.pem("unmapped")), "one-line base64 DER blob", r)
        check(section.find("manyToOneMappings/clear") is not None, "<clear/> before the mappings", r)

        lines = [l for l in appcmd_text.splitlines()[2:] if l]
        check(all(l.startswith("appcmd.exe ") or l.startswith("REM ") for l in lines), "only commands and REM lines", r)
        check(any(l.startswith("REM many-to-one mapping edge: description contains a single quote") for l in lines),
              "a value with a quote becomes a REM line", r)
        check(any(l.startswith("REM many-to-one mapping Block ?contractors? & <others>: name contains a double quote")
                  for l in lines), "REM line for the deny mapping", r)
        check(('appcmd.exe set config "Default Web Site" -section:%s /+"oneToOneMappings.[userName=\'other-user\','
               "password='p@ss&<word>',certificate='%s',enabled='True']\" /commit:apphost"
               % (SECTION, der_base64(p.pem("unmapped")))) in lines, "one-to-one appcmd command", r)
        check('appcmd.exe set config "Default Web Site" -section:system.webServer/security/access '
              '/sslFlags:"Ssl, SslNegotiateCert, SslRequireCert" /commit:apphost' in lines, "sslFlags command", r)

        # Pasted into a web.config and served, the XML behaves as the TOML did.
        with Gateway(cfg, name="toml") as gw:
            expected = verdicts(gw, "toml")
        check_eq(expected["edge"][:3], (200, 0, "edge-user"), "TOML: edge", expected)
        check_eq(expected["unmapped"][:3], (200, 0, "other-user"), "TOML: one-to-one", expected)
        check_eq(expected["blocked"][:2], (403, 12), "TOML: deny", expected)
        x = certgate(["iis", "export", "-c", toml_path, "--format", "xml"])
        check_eq(x.code, 0, "exit code of --format xml", x)
        check(x.stdout.startswith("<?xml") and "appcmd.exe" not in x.stdout.split("-->", 1)[1], "XML only", x)
        served = dict(cfg)
        served["mapping"] = {"iis_config": write(os.path.join(work, "web.config"), x.stdout)}
        del served["tls"]["mode"]  # from sslFlags
        with Gateway(served, name="exported-xml") as gw:
            check_eq(verdicts(gw, "xml"), expected, "verdicts of the exported XML")

        # --location wraps the section; appcmd writes to that path.
        r = certgate(["iis", "export", "-c", toml_path, "--location", "Default Web Site/api"])
        check_eq(r.code, 0, "exit code with --location", r)
        check('<location path="Default Web Site/api">' in r.stdout, "<location> element", r)
        check('appcmd.exe clear config "Default Web Site/api" -section:%s /commit:apphost' % SECTION in r.stdout,
              "appcmd path", r)
        loc = write(os.path.join(work, "apphost-api.config"), r.stdout.partition("\nREM The same settings")[0])
        i = certgate(["iis", "import", loc])
        check_eq(i.code, 0, "the one location is imported without --location", i)

        # --host picks the [[host]] block that serves the name; --json.
        two = write(os.path.join(work, "two.toml"), to_toml(two_host_config(p, up.url)))
        j = certgate(["iis", "export", "-c", two, "--host", "b.test", "--json"])
        check_eq(j.code, 0, "exit code", j)
        out = parse_json(j)
        for key in ("host", "server_names", "mode", "ssl_flags", "location", "config_path", "xml", "appcmd", "warnings",
                    "notes"):
            check(key in out, "JSON field %r" % key, j)
        check_eq((out["host"], out["server_names"], out["mode"]), ("b.test", ["b.test"], "require"), "host block", j)
        check('name="b-clients"' in out["xml"] and 'name="edge"' not in out["xml"], "the b.test mapping", j)
        check_eq(out["config_path"], "Default Web Site", "appcmd path", j)

        # Chain-only: certgate admits any verified chain, IIS nobody. A finding, with the XML still printed.
        e = certgate(["iis", "export", "--client-ca", p.pem("ca"), "--chain-only"])
        check_eq(e.code, 1, "exit code for a policy IIS cannot express", e)
        check("<iisClientCertificateMappingAuthentication" in e.stdout, "XML still printed", e)
        check("warning:" in e.stderr and "401.2" in e.stderr and "chain_only" in e.stderr,
              "the warning explains the 401.2", e)
        # No mappings, chain-only not chosen: both refuse everyone, nothing to warn about.
        e = certgate(["iis", "export", "--client-ca", p.pem("ca")])
        check_eq((e.code, e.stderr), (0, ""), "a policy without mappings exports as it is", e)

        h = certgate(["iis", "export", "--help"])
        check(h.code == 0 and "Examples:" in h.stdout, "--help with examples", h)
        bad = certgate(["iis", "export", "-c", toml_path, "--format", "yaml"])
        check_eq(bad.code, 2, "exit code for a bad --format", bad)


if __name__ == "__main__":
    run_test(main)
