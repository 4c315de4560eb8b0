#!/usr/bin/env python3
"""`pki issue` writes the edge client certificate Cloudflare accepts for per-hostname AOP: a leaf
(basicConstraints critical CA:FALSE), digitalSignature, EKU clientAuth only, CN and SAN DNS = the hostname
(lower-cased), AKI and SKI, 365 days by default; the file holds the leaf then the CA and verifies against
DIR/client-ca.pem; the key (PKCS#8) and the upload body are 0600 and never printed. A wildcard is refused."""
import datetime
import os
import stat
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.pki_cli import init, pki_cmd
from harness.tools import openssl


def main():
    d = subdir("pki-issue")
    aop = os.path.join(d, "aop")
    init(aop, d)
    r = pki_cmd(["issue", "--dir", aop, "--hostname", "WWW.Example.com"], d)
    check_eq(r.code, 0, "issue exit code", r)
    check("PRIVATE KEY" not in r.stdout + r.stderr, "the key is not printed", r)
    host_dir = os.path.join(aop, "edge", "www.example.com")
    ids = [f[:-4] for f in os.listdir(host_dir) if f.endswith(".pem")]
    check_eq(len(ids), 1, "one edge certificate")
    pem = os.path.join(host_dir, ids[0] + ".pem")
    with open(pem) as f:
        check_eq(f.read().count("BEGIN CERTIFICATE"), 2, "leaf then CA")
    text = openssl("x509", "-in", pem, "-noout", "-text")
    check("Basic Constraints: critical\n                CA:FALSE" in text, "CA:FALSE critical\n" + text)
    check("Key Usage: critical\n                Digital Signature\n" in text, "digitalSignature only\n" + text)
    check("Extended Key Usage: \n                TLS Web Client Authentication\n" in text, "clientAuth only\n" + text)
    check("DNS:www.example.com\n" in text, "SAN DNS\n" + text)
    check("Subject: CN = www.example.com\n" in text, "subject CN\n" + text)
    check("Authority Key Identifier" in text and "Subject Key Identifier" in text, "AKI and SKI\n" + text)
    end = openssl("x509", "-in", pem, "-noout", "-enddate").strip().split("=", 1)[1]
    not_after = datetime.datetime.strptime(end, "%b %d %H:%M:%S %Y GMT")
    days = (not_after - datetime.datetime.utcnow()).days
    check(364 <= days <= 365, "365 days by default (%d)" % days)
    verified = openssl("verify", "-CAfile", os.path.join(aop, "client-ca.pem"), "-purpose", "sslclient", pem)
    check("OK" in verified, "verifies to the bundle: " + verified)
    for suffix in (".key", ".upload.json"):
        path = os.path.join(host_dir, ids[0] + suffix)
        check_eq(stat.S_IMODE(os.stat(path).st_mode), 0o600, "mode of " + suffix)
    with open(os.path.join(host_dir, ids[0] + ".key")) as f:
        check("BEGIN PRIVATE KEY" in f.read(), "key is PKCS#8")
    modulus = openssl("pkey", "-in", os.path.join(host_dir, ids[0] + ".key"), "-pubout")
    check_eq(openssl("x509", "-in", pem, "-noout", "-pubkey"), modulus, "the key is the leaf's")

    for bad in ("*.example.com", "bad_name.example.com", "localhost", "a..b"):
        r = pki_cmd(["issue", "--dir", aop, "--hostname", bad], d)
        check_eq(r.code, 2, "exit code for --hostname %s" % bad, r)
    check_eq(sorted(os.listdir(os.path.join(aop, "edge"))), ["www.example.com"], "nothing written for bad names")


if __name__ == "__main__":
    run_test(main)
