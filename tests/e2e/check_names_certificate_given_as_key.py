#!/usr/bin/env python3
"""A certificate where the server key belongs (cert and key swapped, or the certificate twice): check (CG002,
exit 2) and serve (exit 2, one line) say the file holds a certificate, not a private key, and ask whether the two
are swapped; for the swapped pair the certificate slot says it holds a private key."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, one_line_with, run, run_json, serve_toml, write

MAPPING = "[mapping]\nchain_only = true\n"


def main():
    d = subdir("cert-as-key")
    p = ToolPki(os.path.join(d, "pki"))
    base = serve_toml(p, [p.pem("ca")], MAPPING)
    twice = base.replace('key = "%s"' % p.key("server"), 'key = "%s"' % p.pem("server"))
    write(d, "twice.toml", twice)
    r, report = run_json(["check", "-c", "twice.toml"], d)
    check_eq(codes(report), ["CG002"], "findings", r)
    f = report["findings"][0]
    check_eq(f["message"], p.pem("server") + ": holds a certificate, not a private key", "the cause", r)
    check("swapped" in f["fix"], "the fix: %r" % f, r)
    r = run(["serve", "-c", "twice.toml"], d)
    check_eq(r.code, 2, "serve refuses", r)
    check(one_line_with(r.stderr, p.pem("server") + ": holds a certificate, not a private key", "swapped"),
          "serve: one line with the cause and the fix", r)

    swapped = base.replace('cert = "%s"' % p.pem("server"), 'cert = "KEY"').replace(
        'key = "%s"' % p.key("server"), 'key = "%s"' % p.pem("server")).replace("KEY", p.key("server"))
    write(d, "swapped.toml", swapped)
    r, report = run_json(["check", "-c", "swapped.toml"], d)
    check_eq(codes(report), ["CG002", "CG002"], "findings for the swapped pair", r)
    messages = [f["message"] for f in report["findings"]]
    check_eq(messages, [p.key("server") + ": holds a private key, not a certificate",
                        p.pem("server") + ": holds a certificate, not a private key"], "both named", r)
    r = run(["serve", "-c", "swapped.toml"], d)
    check(one_line_with(r.stderr, p.key("server") + ": holds a private key, not a certificate", "swapped"),
          "serve names the first one", r)


if __name__ == "__main__":
    run_test(main)
