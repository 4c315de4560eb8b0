#!/usr/bin/env python3
"""check on a client_ca .p7b that holds a client certificate with its CA (as Windows exports a chain): the CA is
the anchor (no error), the leaf is named in a note (CG110, exit 0) at the bundle's path. A bundle holding the
leaf alone has no CA certificate: an error (CG002, exit 2) that names the leaf and says to export the chain or
the CA certificate; serve refuses it with the same line."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, openssl, one_line_with, run, run_json, serve_toml, write

MAPPING = "[mapping]\nchain_only = true\n"


def main():
    d = subdir("p7b-check")
    p = ToolPki(os.path.join(d, "pki"))
    chain = os.path.join(d, "chain.p7b")
    openssl("crl2pkcs7", "-nocrl", "-certfile", p.pem("edge"), "-certfile", p.pem("ca"), "-out", chain)
    write(d, "chain.toml", serve_toml(p, [chain], MAPPING))
    r, report = run_json(["check", "-c", "chain.toml"], d)
    check_eq(codes(report), ["CG110"], "findings", r)
    check_eq(r.code, 0, "a note changes nothing", r)
    f = report["findings"][0]
    check_eq((f["severity"], f["position"]), ("note", chain), "a note at the bundle", r)
    check("'CN=edge.example.com,OU=edge,O=Example'" in f["message"], "names the leaf: %r" % f, r)

    leaf_only = os.path.join(d, "leaf.p7b")
    openssl("crl2pkcs7", "-nocrl", "-certfile", p.pem("edge"), "-outform", "DER", "-out", leaf_only)
    write(d, "leaf.toml", serve_toml(p, [leaf_only], MAPPING))
    r, report = run_json(["check", "-c", "leaf.toml"], d)
    check_eq(codes(report), ["CG002"], "findings for a bundle without a CA", r)
    check_eq(r.code, 2, "exit code", r)
    f = report["findings"][0]
    check(f["message"].startswith(leaf_only + ": the PKCS#7 bundle holds no CA certificate"), "message: %r" % f, r)
    check("'CN=edge.example.com,OU=edge,O=Example'" in f["message"], "names the leaf: %r" % f, r)
    check("certification path" in f["fix"], "says how to export the chain: %r" % f, r)

    r = run(["serve", "-c", "leaf.toml"], d)
    check_eq(r.code, 2, "serve refuses it", r)
    check(one_line_with(r.stderr, leaf_only, "holds no CA certificate", "certification path"),
          "serve names the cause and the fix on one line", r)


if __name__ == "__main__":
    run_test(main)
