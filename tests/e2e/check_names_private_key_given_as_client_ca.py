#!/usr/bin/env python3
"""A private key where a trust anchor belongs: client_ca = a key file, or a PEM with a certificate and its
(encrypted) key. check (CG002, exit 2) and serve (exit 2, one line) say the file holds a private key, that a
private key must never be given out, and to give the CA certificate; never "no certificate found"."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, one_line_with, openssl, run, run_json, serve_toml, write

MAPPING = "[mapping]\nchain_only = true\n"


def main():
    d = subdir("key-as-ca")
    p = ToolPki(os.path.join(d, "pki"))
    encrypted = os.path.join(d, "ca-enc.key")
    openssl("pkey", "-in", p.key("ca"), "-aes256", "-passout", "pass:pw", "-out", encrypted)
    with open(p.pem("ca")) as cert, open(encrypted) as key:
        both = write(d, "ca-with-key.pem", cert.read() + key.read())

    cases = ((p.key("ca"), "holds a private key, not a certificate"),
             (both, "holds a private key next to the certificate"))
    for path, cause in cases:
        write(d, "c.toml", serve_toml(p, [path], MAPPING))
        r, report = run_json(["check", "-c", "c.toml"], d)
        check_eq(codes(report), ["CG002"], "findings for %s" % path, r)
        check_eq(r.code, 2, "exit code", r)
        f = report["findings"][0]
        check(f["message"].startswith(path + ": " + cause), "the cause: %r" % f, r)
        check("must never be given out" in f["message"] + f["fix"], "a key is never given out: %r" % f, r)
        check("no certificate found" not in f["message"], "not the generic text: %r" % f, r)

        r = run(["serve", "-c", "c.toml"], d)
        check_eq(r.code, 2, "serve refuses", r)
        check(one_line_with(r.stderr, path, cause, "never be given out"), "serve: one line with the cause", r)


if __name__ == "__main__":
    run_test(main)
