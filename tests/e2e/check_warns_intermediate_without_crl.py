#!/usr/bin/env python3
"""CRLs are configured for the root, and a mapping admits certificates issued by an intermediate CA that clients
send (issuer CN), with no CRL of that intermediate loaded: every one of them is refused (403.16, "unable to get
certificate CRL"), so check warns (CG123, exit 1) at the mapping's rule, naming the intermediate and the fix.
explain agrees. With the intermediate's CRL added: no finding, and the client is admitted.
(CG107 covers an anchor without a CRL: check_warns_anchor_without_crl.py.)"""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, line_of, run_json, serve_toml, write

MAPPING = """[[mapping.many_to_one]]
name = "deep"
user = "deep-user"
  [[mapping.many_to_one.rules]]
  field = "issuer"
  subfield = "CN"
  match = "tools test intermediate"
"""


def main():
    d = subdir("intermediate-crl")
    p = ToolPki(os.path.join(d, "pki"))
    p.issue("int", "/O=Example/CN=tools test intermediate", extensions="v3_intermediate")
    p.pki.ca_db("int")
    p.issue("deep", "/O=Example/CN=deep.example.com", issuer="int")
    p.pki.concat("deep-chain", ["deep", "int"])
    p.pki.gencrl("ca", "ca-crl")
    p.pki.gencrl("int", "int-crl")
    ca_crl, int_crl = [os.path.join(d, "pki", n + ".pem") for n in ("ca-crl", "int-crl")]

    text = serve_toml(p, [p.pem("ca")], MAPPING).replace('mode = "require"', 'mode = "require"\ncrl = ["%s"]' % ca_crl)
    write(d, "root-only.toml", text)
    r, report = run_json(["check", "-c", "root-only.toml"], d)
    check_eq(codes(report), ["CG123"], "findings", r)
    check_eq(r.code, 1, "exit code", r)
    f = report["findings"][0]
    check_eq(f["line"], line_of(text, 'field = "issuer"') - 1, "at the rule", r)
    check("mapping 'deep'" in f["message"] and "'tools test intermediate'" in f["message"], "names both: %r" % f, r)
    check("403.16" in f["message"] and "unable to get certificate CRL" in f["message"], "what clients get: %r" % f, r)
    check("add the CRL of the intermediate CA 'tools test intermediate'" in f["fix"], "the fix: %r" % f, r)
    r, explained = run_json(["explain", "-c", "root-only.toml", "--cert", p.pem("deep-chain")], d)
    check_eq(explained["decision"]["substatus"], 16, "explain: refused with 403.16", r)

    write(d, "both.toml", text.replace('crl = ["%s"]' % ca_crl, 'crl = ["%s", "%s"]' % (ca_crl, int_crl)))
    r, report = run_json(["check", "-c", "both.toml"], d)
    check_eq(codes(report), ["CG109"], "only the note that the intermediate is not in client_ca", r)
    r, explained = run_json(["explain", "-c", "both.toml", "--cert", p.pem("deep-chain")], d)
    check_eq(explained["decision"]["admitted"], True, "explain: admitted with both CRLs", r)


if __name__ == "__main__":
    run_test(main)
