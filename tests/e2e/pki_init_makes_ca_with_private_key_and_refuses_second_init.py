#!/usr/bin/env python3
"""`pki init` makes a self-signed CA for edge client certificates: directory 0700, key 0600 (never printed),
basicConstraints critical CA:TRUE pathlen:0, keyCertSign and cRLSign, and the trust bundle holding it. A second
init without --rotate is refused with exit 2 and writes nothing; with --rotate a second CA joins the bundle."""
import os
import stat
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.pki_cli import pki_cmd
from harness.tools import openssl


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def listing(directory):
    return sorted(os.path.join(root, f) for root, _, files in os.walk(directory) for f in files)


def main():
    d = subdir("pki-init")
    aop = os.path.join(d, "aop")
    r = pki_cmd(["init", "--dir", aop, "--days", "100", "--name", "Example AOP CA"], d)
    check_eq(r.code, 0, "init exit code", r)
    check("PRIVATE KEY" not in r.stdout + r.stderr, "the key is not printed", r)
    check_eq(mode(aop), 0o700, "directory mode")
    keys = [p for p in listing(aop) if p.endswith(".key")]
    check_eq(len(keys), 1, "one key file")
    check_eq(mode(keys[0]), 0o600, "key mode")
    with open(keys[0]) as f:
        check("BEGIN PRIVATE KEY" in f.read(), "key is PKCS#8 PEM")
    bundle = os.path.join(aop, "client-ca.pem")
    text = openssl("x509", "-in", bundle, "-noout", "-text")
    check("CA:TRUE, pathlen:0" in text, "CA:TRUE pathlen:0\n" + text)
    check("Basic Constraints: critical" in text, "basicConstraints critical\n" + text)
    check("Certificate Sign, CRL Sign" in text, "keyCertSign and cRLSign\n" + text)
    check("Subject Key Identifier" in text, "SKI\n" + text)
    check("CN = Example AOP CA" in text or "CN=Example AOP CA" in text, "subject name\n" + text)
    check("prime256v1" in text or "P-256" in text, "default key ec-p256\n" + text)

    before = listing(aop)
    r = pki_cmd(["init", "--dir", aop], d)
    check_eq(r.code, 2, "second init exit code", r)
    check("already has an active CA" in r.stderr and "--rotate" in r.stderr, "refusal names --rotate", r)
    check_eq(listing(aop), before, "nothing written by the refused init")

    r = pki_cmd(["init", "--dir", aop, "--rotate", "--key", "rsa-2048"], d)
    check_eq(r.code, 0, "init --rotate exit code", r)
    with open(bundle) as f:
        check_eq(f.read().count("BEGIN CERTIFICATE"), 2, "both CAs in the bundle")


if __name__ == "__main__":
    run_test(main)
