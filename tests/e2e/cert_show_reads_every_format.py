#!/usr/bin/env python3
"""`certgate cert show` detects the format itself: a PEM chain (each certificate shown, leaf first), DER, the IIS
one-line blob (also wrapped over lines), PKCS#12 with --password (a wrong password is exit 2, named); a file that
is no certificate is exit 2 with the file named."""
import base64
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import openssl_x509
from harness.common import check, check_eq, pki, run_test, subdir
from harness.tools import run, run_json, write


def der_of(pem):
    return subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER"], capture_output=True, check=True,
                          timeout=30).stdout


def sha256_of(pem):
    return openssl_x509(pem, "-fingerprint", "-sha256").split("=", 1)[1].replace(":", "").lower()


def shown(d, args):
    r, report = run_json(["cert", "show"] + args, d)
    check_eq(r.code, 0, "exit code of cert show %s" % " ".join(args), r)
    return r, report


def main():
    p = pki()
    d = subdir("formats")
    edge = sha256_of(p.pem("edge"))

    # A chain: the leaf and its intermediate, in file order.
    r, report = shown(d, [p.pem("deep-chain")])
    check_eq([c["sha256"] for c in report["certificates"]], [sha256_of(p.pem("deep")), sha256_of(p.pem("int"))],
             "both certificates of the chain, leaf first", r)
    check_eq(report["certificates"][1]["ca"], True, "the intermediate is a CA", r)
    r = run(["cert", "show", p.pem("deep-chain")], d)
    check("Certificate 1 of 2 (leaf)" in r.stdout and "Certificate 2 of 2 (chain)" in r.stdout,
          "the text form numbers the certificates", r)

    # DER, the IIS blob on one line, and the blob wrapped at 64 columns with CRLF.
    der = der_of(p.pem("edge"))
    with open(os.path.join(d, "edge.der"), "wb") as f:
        f.write(der)
    blob = base64.b64encode(der).decode()
    write(d, "edge.blob", blob)
    write(d, "edge-wrapped.blob", "\r\n".join(blob[i:i + 64] for i in range(0, len(blob), 64)) + "\r\n")
    for name in ("edge.der", "edge.blob", "edge-wrapped.blob"):
        r, report = shown(d, [name])
        check_eq(report["certificates"][0]["sha256"], edge, "fingerprint read from %s" % name, r)

    # PKCS#12 with the leaf, its key and the intermediate.
    pfx = os.path.join(d, "deep.pfx")
    subprocess.run(["openssl", "pkcs12", "-export", "-in", p.pem("deep"), "-inkey", p.key("deep"), "-certfile",
                    p.pem("int"), "-passout", "pass:s3cret", "-out", pfx], check=True, capture_output=True, timeout=30)
    r, report = shown(d, [pfx, "--password", "s3cret"])
    check_eq(report["certificates"][0]["sha256"], sha256_of(p.pem("deep")), "PKCS#12 leaf first", r)
    check_eq(len(report["certificates"]), 2, "PKCS#12 chain", r)
    check_eq(report["has_private_key"], True, "the key is noticed (never shown)", r)
    r = run(["cert", "show", pfx, "--password", "wrong"], d)
    check_eq(r.code, 2, "exit code for a wrong PKCS#12 password", r)
    check("deep.pfx" in r.stderr, "the error names the file", r)

    write(d, "notes.txt", "this is not a certificate\n")
    r = run(["cert", "show", "notes.txt"], d)
    check_eq(r.code, 2, "exit code for a file without a certificate", r)
    check("notes.txt" in r.stderr and "no certificate" in r.stderr, "the error says what is wrong", r)


if __name__ == "__main__":
    run_test(main)
