#!/usr/bin/env python3
"""Cloudflare's Origin CA (RSA or ECC root, the CA of origin *server* certificates) configured as the client trust
anchor: `certgate check` warns CG102 (exit 1) and says where it belongs; explain shows the consequence for the
real edge certificate: 403.16."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, fail, run_test, test_data_dir, subdir
from harness.tools import ToolPki, codes, run_json, serve_toml, write


def main():
    aop = os.path.join(test_data_dir(), "aop-certs")
    d = subdir("origin-ca")
    p = ToolPki(os.path.join(d, "pki"))
    for flavour in ("rsa", "ecc"):
        origin_ca = os.path.join(aop, "not-aop", "cloudflare-origin-ssl-%s-ca-2019-2029.pem" % flavour)
        if not os.path.exists(origin_ca):
            fail("missing %s (CERTGATE_TEST_DATA_DIR)" % origin_ca)
        name = "%s.toml" % flavour
        write(d, name, serve_toml(p, [origin_ca], "[mapping]\nchain_only = true\n"))
        r, report = run_json(["check", "-c", name], d)
        check_eq(codes(report), ["CG102"], "findings with the %s Origin CA" % flavour, r)
        check_eq(r.code, 1, "exit code", r)
        finding = report["findings"][0]
        check_eq(finding["position"], origin_ca, "points at the CA file", r)
        check("Origin CA" in finding["message"] and "403.16" in finding["message"], "explains: %r" % finding, r)
        check("origin-pull CA" in finding["fix"], "says what to trust instead: %r" % finding["fix"], r)

    # What it means for Cloudflare's real edge certificate (inside its validity): refused, untrusted.
    leaf = os.path.join(aop, "cloudflare-aop-leaf-2016-2017-expired.pem")
    r, report = run_json(["explain", "-c", "rsa.toml", "--cert", leaf, "--at", "2016-08-01"], d)
    check_eq((r.code, report["decision"]["status_text"]), (1, "403.16"), "the edge certificate with the Origin CA", r)


if __name__ == "__main__":
    run_test(main)
