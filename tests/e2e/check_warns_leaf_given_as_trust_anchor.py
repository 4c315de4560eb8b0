#!/usr/bin/env python3
"""A client certificate (basicConstraints CA:FALSE, not self-signed) given as client_ca: check warns (CG103,
exit 1) at that file, names its subject, says it admits only itself, and says to give the CA that issued it,
by name. A leaf without basicConstraints at all is the same."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, run, run_json, serve_toml, write

MAPPING = "[mapping]\nchain_only = true\n"


def main():
    d = subdir("leaf-anchor")
    p = ToolPki(os.path.join(d, "pki"))
    # make_pki's v3_client says CA:FALSE; an X.509 v1 certificate has no basicConstraints at all.
    p.issue("bare", "/O=Example/CN=bare.example.com", extensions=None)
    for name, subject in (("edge", "CN=edge.example.com,OU=edge,O=Example"), ("bare", "CN=bare.example.com,O=Example")):
        write(d, name + ".toml", serve_toml(p, [p.pem(name)], MAPPING))
        r, report = run_json(["check", "-c", name + ".toml"], d)
        check_eq(codes(report), ["CG103"], "findings for %s as client_ca" % name, r)
        check_eq(r.code, 1, "exit code", r)
        f = report["findings"][0]
        check_eq(f["position"], p.pem(name), "the anchor file is the position", r)
        check("'%s' is not a CA certificate" % subject in f["message"], "names the subject: %r" % f["message"], r)
        check("admits only itself" in f["message"], "says what follows: %r" % f["message"], r)
        check("the CA that issued it ('CN=tools test CA,O=Example')" in f["fix"], "names the issuer: %r" % f["fix"], r)

    # The text output: the file, the subject and the fix.
    r = run(["check", "-c", "edge.toml"], d)
    check(p.pem("edge") + ": warning CG103" in r.stdout, "text output names the file", r)
    check("fix: give the certificate of the CA that issued it" in r.stdout, "text output has the fix", r)


if __name__ == "__main__":
    run_test(main)
