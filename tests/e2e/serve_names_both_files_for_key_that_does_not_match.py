#!/usr/bin/env python3
"""A server key that belongs to another certificate (of the same key type, which OpenSSL itself reports as
"key values mismatch"): serve refuses to start (exit 2) with one line that names the key file, the certificate
file and its subject, and the fix; check reports the same cause (CG003) naming both files."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, one_line_with, run, run_json, serve_toml, write


def main():
    d = subdir("key-mismatch")
    p = ToolPki(os.path.join(d, "pki"))
    write(d, "mismatch.toml", serve_toml(p, [p.pem("ca")], "[mapping]\nchain_only = true\n")
          .replace(p.key("server"), p.key("edge")))

    r = run(["serve", "-c", "mismatch.toml"], d)
    check_eq(r.code, 2, "serve refuses to start", r)
    line = one_line_with(r.stderr, "the private key " + p.key("edge") + " does not match the server certificate " +
                         p.pem("server"), "'CN=localhost,O=Example'", "point key at the key this certificate")
    check(line is not None, "one line with both files, the subject and the fix", r)
    check("not a PEM private key" not in r.stderr and "key values mismatch" not in r.stderr,
          "never OpenSSL's text alone", r)

    r, report = run_json(["check", "-c", "mismatch.toml"], d)
    check_eq(codes(report), ["CG003"], "check's finding", r)
    f = report["findings"][0]
    check(p.key("edge") in f["message"] and p.pem("server") in f["message"], "check names both files: %r" % f, r)


if __name__ == "__main__":
    run_test(main)
