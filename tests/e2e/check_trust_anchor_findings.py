#!/usr/bin/env python3
"""Trust anchor findings of `certgate check`, each with its code, the anchor file as position and exit 1:
CG103 an anchor that is not a CA (the real Cloudflare leaf, and a generated client certificate), CG104 an expired
anchor (the real 2015-2020 Cloudflare CA), CG105 an anchor that expires in ten days, CG106 client certificates
required but no client_ca at all."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, test_data_dir, subdir
from harness.tools import ToolPki, codes, findings, run_json, serve_toml, write

OWN_MAPPING = """[[mapping.many_to_one]]
name = "edge"
user = "edge-user"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "edge.example.com"
"""


def checked(d, name, text, expected_codes, args=()):
    write(d, name, text)
    r, report = run_json(["check", "-c", name] + list(args), d)
    check_eq(codes(report), expected_codes, "findings for %s" % name, r)
    check_eq(r.code, 1, "exit code for %s" % name, r)
    return r, report


def main():
    aop = os.path.join(test_data_dir(), "aop-certs")
    d = subdir("anchors")
    p = ToolPki(os.path.join(d, "pki"))

    # A client certificate as anchor: it admits only itself.
    r, report = checked(d, "leaf.toml", serve_toml(p, [p.pem("edge")], OWN_MAPPING), ["CG103"])
    check("not a CA certificate" in report["findings"][0]["message"], "message", r)
    check_eq(report["findings"][0]["position"], p.pem("edge"), "position", r)
    # The real Cloudflare leaf: subject == issuer, but CA:FALSE and not self-signed; and expired. (The mapping
    # admits only edge.example.com, so the shared Cloudflare identity gets nothing: no CG101.)
    leaf = os.path.join(aop, "cloudflare-aop-leaf-2016-2017-expired.pem")
    r, report = checked(d, "cf-leaf.toml", serve_toml(p, [leaf], OWN_MAPPING), ["CG103", "CG104"])

    old_ca = os.path.join(aop, "cloudflare-aop-origin-pull-ca-2015-2020-expired.pem")
    r, report = checked(d, "expired.toml", serve_toml(p, [p.pem("ca"), old_ca], OWN_MAPPING), ["CG104"])
    check("expired on 2020-01-12" in report["findings"][0]["message"], "says when", r)
    check_eq(report["findings"][0]["position"], old_ca, "position", r)

    p.issue("shortca", "/O=Example/CN=short-lived CA", extensions="v3_intermediate", days=(-1, 10))
    r, report = checked(d, "expiring.toml", serve_toml(p, [p.pem("ca"), p.pem("shortca")], OWN_MAPPING), ["CG105"])
    check("in 9 days" in report["findings"][0]["message"] or "in 10 days" in report["findings"][0]["message"],
          "says how long is left: %r" % report["findings"][0]["message"], r)

    r, report = checked(d, "no-ca.toml", serve_toml(p, [], OWN_MAPPING), ["CG106"])
    check("403.16" in report["findings"][0]["message"] and "403.7" in report["findings"][0]["message"],
          "says what clients get", r)
    check(report["findings"][0]["position"].endswith("no-ca.toml:7:1"), "points at [tls]: %r" % report["findings"], r)


if __name__ == "__main__":
    run_test(main)
