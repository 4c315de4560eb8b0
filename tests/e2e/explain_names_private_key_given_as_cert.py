#!/usr/bin/env python3
"""A private key given where the client certificate belongs (explain --cert, cert show): exit 2 and one line
saying the file holds a private key, not a certificate, and to give the certificate file; the same for a DER
key, and a CRL is named as a CRL. Never "no certificate found"."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, one_line_with, openssl, run, write


def main():
    d = subdir("key-as-cert")
    p = ToolPki(os.path.join(d, "pki"))
    write(d, "policy.toml", '[tls]\nclient_ca = ["%s"]\n\n[mapping]\nchain_only = true\n' % p.pem("ca"))
    der_key = os.path.join(d, "edge-key.der")
    openssl("pkey", "-in", p.key("edge"), "-outform", "DER", "-out", der_key)
    for key in (p.key("edge"), der_key):
        for command in (["explain", "-c", "policy.toml", "--cert", key], ["cert", "show", key]):
            r = run(command, d)
            check_eq(r.code, 2, "exit code", r)
            check(one_line_with(r.stderr, key + ": holds a private key, not a certificate", "give the certificate file"),
                  "names the private key and the fix", r)
            check("no certificate found" not in r.stderr, "not the generic text", r)

    p.pki.gencrl("ca", "ca-crl")
    crl = os.path.join(d, "pki", "ca-crl.pem")
    r = run(["explain", "-c", "policy.toml", "--cert", crl], d)
    check_eq(r.code, 2, "exit code for a CRL", r)
    check(one_line_with(r.stderr, crl + ": holds a certificate revocation list (CRL), not a certificate", "crl"),
          "names the CRL", r)


if __name__ == "__main__":
    run_test(main)
