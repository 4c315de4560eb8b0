#!/usr/bin/env python3
"""A policy goes TOML -> `iis export` -> web.config -> `iis import -o` -> TOML -> `iis export` again: the two
exported files are identical (the round trip is a fixed point), and certgate serving the imported TOML gives the
same verdicts as serving the original, for every test certificate. Names with quotes, ampersands, angle brackets
and non-ASCII text survive (tabs and line breaks too, in a password: names and descriptions cannot hold them); -o
does not replace an existing file without --force."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import base_config, to_toml
from harness.iis_tools import certgate, serve_and_judge, serving_toml, write
from harness.upstream import Upstream

MAPPINGS = [
    {"name": 'Édge "prod" & <eu>', "description": "line one; line two, 'quoted'; ÜTF-8 ✓", "user": "edge-ü",
     "password": "[enc:AesProvider:c2VjcmV0:enc]",
     "rules": [{"field": "subject", "subfield": "CN", "match": "edge.example.com"},
               {"field": "issuer", "subfield": "O", "match": "exam*", "case_sensitive": False}]},
    {"name": "state (S vs ST)", "user": "st", "enabled": False, "password": "line one\nline two\ttabbed",
     "rules": [{"field": "subject", "subfield": "S", "match": "Washington"},
               {"field": "subject", "subfield": "ST", "match": "Wash*"}]},
    {"name": "deny blocked", "permission": "deny", "rules": [{"field": "subject", "subfield": "CN", "match": "*blocked*"}]},
    {"name": "B org", "user": "b-org", "rules": [{"field": "subject", "subfield": "2.5.4.10", "match": "B Org"}]},
]


def main():
    p = pki()
    work = subdir("roundtrip")
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=MAPPINGS)
        cfg["tls"]["mode"] = "accept"
        cfg["tls"]["client_ca"] = [p.pem("ca"), p.pem("cab")]
        cfg["mapping"]["one_to_one"] = [{"user": "one & only", "certificate": p.pem("unmapped"), "enabled": False}]
        original = write(os.path.join(work, "original.toml"), to_toml(cfg))

        first = certgate(["iis", "export", "-c", original, "--format", "xml"])
        check_eq(first.code, 0, "first export", first)
        web_config = write(os.path.join(work, "web.config"), first.stdout)

        imported = os.path.join(work, "imported.toml")
        r = certgate(["iis", "import", web_config, "-o", imported])
        check_eq(r.code, 0, "import", r)
        again = certgate(["iis", "import", web_config, "-o", imported])
        check_eq(again.code, 2, "-o refuses to replace a file", again)
        check("--force" in again.stderr, "the message names --force", again)
        forced = certgate(["iis", "import", web_config, "-o", imported, "--force"])
        check_eq(forced.code, 0, "--force replaces it", forced)

        mapping_toml = open(imported, encoding="utf-8").read()
        check('name = "Édge \\"prod\\" & <eu>"' in mapping_toml, "special characters in the TOML", r)
        # The imported TOML ([tls] mode and [mapping]) is itself a configuration export can read.
        second = certgate(["iis", "export", "-c", imported, "--format", "xml"])
        check_eq(second.code, 0, "second export", second)
        check_eq(second.stdout, first.stdout, "export(import(export(policy))) == export(policy)", second)

        # Same behaviour, certificate by certificate.
        original_toml = to_toml(dict(cfg, server={"listen": ["127.0.0.1:@PORT@"], "access_log": "@ACCESS_LOG@",
                                                  "log_format": "json"}))
        expected = serve_and_judge(p, up, original_toml, "original")
        got = serve_and_judge(p, up, serving_toml(p, up.url, mapping_toml, client_ca=("ca", "cab")), "imported")
        check_eq(got, expected, "verdicts of the imported policy")
        check_eq(expected["edge"][:3], (200, 0, "edge-ü"), "edge mapped by the first mapping", expected)
        check_eq(expected["blocked"][:2], (403, 12), "deny mapping", expected)
        check_eq(expected["bclient"][:3], (200, 0, "b-org"), "OID rule", expected)
        check_eq(expected["unmapped"][:2], (401, 2), "disabled one-to-one mapping", expected)


if __name__ == "__main__":
    run_test(main)
