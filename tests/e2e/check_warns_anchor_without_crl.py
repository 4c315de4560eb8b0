#!/usr/bin/env python3
"""`certgate check` warns (CG107, exit 1) when CRLs are configured but a CA trust anchor has none: CRLs are
checked for the whole chain, so every client under that anchor is refused with 403.16. The anchor file is the
position. The other CA's CRL, issued by no trust anchor of the block, is reported too (CG109). With the anchor's
own CRL configured the findings are gone (exit 0)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, run_json, serve_toml, write

OWN_MAPPING = """[[mapping.many_to_one]]
name = "edge"
user = "edge-user"
  [[mapping.many_to_one.rules]]
  field = "subject"
  subfield = "CN"
  match = "edge.example.com"
"""


def main():
    d = subdir("crl-coverage")
    p = ToolPki(os.path.join(d, "pki"))
    p.root("other", "/O=Other/CN=tools test other CA")
    p.pki.gencrl("ca", "ca-crl")
    p.pki.gencrl("other", "other-crl")
    ca_crl, other_crl = [os.path.join(d, "pki", n + ".pem") for n in ("ca-crl", "other-crl")]

    write(d, "uncovered.toml", serve_toml(p, [p.pem("ca")], OWN_MAPPING)
          .replace('mode = "require"', 'mode = "require"\ncrl = ["%s"]' % other_crl))
    r, report = run_json(["check", "-c", "uncovered.toml"], d)
    check_eq(codes(report), ["CG107", "CG109"], "findings", r)
    check_eq(r.code, 1, "exit code", r)
    finding = report["findings"][0]
    check_eq(finding["position"], p.pem("ca"), "the anchor file is the position", r)
    check("tools test CA" in finding["message"] and "403.16" in finding["message"], "message: %r" % finding, r)

    write(d, "covered.toml", serve_toml(p, [p.pem("ca")], OWN_MAPPING)
          .replace('mode = "require"', 'mode = "require"\ncrl = ["%s"]' % ca_crl))
    r, report = run_json(["check", "-c", "covered.toml"], d)
    check_eq(codes(report), [], "findings with the anchor's CRL", r)
    check_eq(r.code, 0, "exit code", r)


if __name__ == "__main__":
    run_test(main)
