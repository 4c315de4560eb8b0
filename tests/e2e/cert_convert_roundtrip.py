#!/usr/bin/env python3
"""`certgate cert convert`: PEM -> DER -> IIS blob -> PEM gives back the same certificate (checked against the
openssl CLI's DER); PEM keeps a chain, DER and the blob hold the leaf only (said on stderr); -o writes a file; DER is
not written to a terminal; an unknown --to is exit 2."""
import base64
import os
import pty
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import common
from harness.common import check, check_eq, pki, run_test, subdir
from harness.tools import run


def der_of(pem):
    return subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER"], capture_output=True, check=True,
                          timeout=30).stdout


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    p = pki()
    d = subdir("convert")
    edge_der = der_of(p.pem("edge"))

    r = run(["cert", "convert", p.pem("edge"), "--to", "der", "-o", "edge.der"], d)
    check_eq(r.code, 0, "exit code pem -> der", r)
    check_eq(read(os.path.join(d, "edge.der")), edge_der, "DER bytes")

    r = run(["cert", "convert", "edge.der", "--to", "iis-blob"], d)
    check_eq(r.code, 0, "exit code der -> iis-blob", r)
    check_eq(r.stdout, base64.b64encode(edge_der).decode() + "\n", "the blob is one line of base64")
    with open(os.path.join(d, "edge.blob"), "w") as f:
        f.write(r.stdout)

    r = run(["cert", "convert", "edge.blob", "--to", "pem", "-o", "edge.pem"], d)
    check_eq(r.code, 0, "exit code iis-blob -> pem", r)
    check_eq(der_of(os.path.join(d, "edge.pem")), edge_der, "the round trip gives the same certificate")

    # A chain: PEM keeps both; the blob is the leaf, and stderr says so.
    r = run(["cert", "convert", p.pem("deep-chain"), "--to", "pem"], d)
    check_eq(r.stdout.count("-----BEGIN CERTIFICATE-----"), 2, "PEM keeps the chain", r)
    r = run(["cert", "convert", p.pem("deep-chain"), "--to", "iis-blob"], d)
    check_eq(r.stdout, base64.b64encode(der_of(p.pem("deep"))).decode() + "\n", "the blob is the leaf", r)
    check("only the first" in r.stderr, "stderr says the chain was not converted", r)

    # DER to a terminal is refused; to a pipe it is written.
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([common.certgate_bin(), "cert", "convert", p.pem("edge"), "--to", "der"], stdout=slave,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=30)
    finally:
        os.close(slave)
        os.close(master)
    check_eq(proc.returncode, 2, "exit code for DER to a terminal")
    check(b"terminal" in proc.stderr, "stderr explains: %r" % proc.stderr)
    proc = subprocess.run([common.certgate_bin(), "cert", "convert", p.pem("edge"), "--to", "der"],
                          capture_output=True, stdin=subprocess.DEVNULL, timeout=30)
    check_eq((proc.returncode, proc.stdout), (0, edge_der), "DER to a pipe")

    r = run(["cert", "convert", p.pem("edge"), "--to", "pkcs7"], d)
    check_eq(r.code, 2, "exit code for an unknown --to", r)
    check("pkcs7" in r.stderr or "--to" in r.stderr, "the error names the value", r)
    r = run(["cert", "convert", p.pem("edge"), "--to", "pem", "-o", os.path.join(d, "no-such-dir", "x.pem")], d)
    check_eq(r.code, 2, "exit code when the output cannot be written", r)


if __name__ == "__main__":
    run_test(main)
