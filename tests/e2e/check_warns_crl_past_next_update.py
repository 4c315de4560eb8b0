#!/usr/bin/env python3
"""A CRL past its nextUpdate: check warns (CG108, exit 1) before every client is refused, at the CRL file,
naming its issuer, the nextUpdate date, what clients get (403.16, "CRL expired") and the fix (the CA's
current CRL, reload). explain agrees that the edge client is refused that way. A current CRL of the same CA
next to it is what OpenSSL uses: no finding. --at before the nextUpdate: no finding either."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, run_json, serve_toml, stamp, write

MAPPING = "[mapping]\nchain_only = true\n"


def main():
    d = subdir("stale-crl")
    p = ToolPki(os.path.join(d, "pki"))
    stale = os.path.join(d, "pki", "stale-crl.pem")
    p.pki.gencrl("ca", "ca-crl")
    from make_pki import run as openssl_run
    openssl_run("ca", "-batch", "-config", p.pki.ca_config("ca"), "-gencrl", "-crlexts", "crl_ext",
                "-crl_lastupdate", stamp(-40), "-crl_nextupdate", stamp(-10), "-out", stale)

    write(d, "stale.toml", serve_toml(p, [p.pem("ca")], MAPPING).replace(
        'mode = "require"', 'mode = "require"\ncrl = ["%s"]' % stale))
    r, report = run_json(["check", "-c", "stale.toml"], d)
    check_eq(codes(report), ["CG108"], "findings", r)
    check_eq(r.code, 1, "exit code", r)
    f = report["findings"][0]
    check_eq(f["position"], stale, "the CRL file is the position", r)
    check("the CRL issued by 'CN=tools test CA,O=Example' passed its nextUpdate on %s-" % stamp(-10)[:4]
          in f["message"], "issuer and nextUpdate: %r" % f["message"], r)
    check("403.16" in f["message"] and "CRL expired" in f["message"], "what clients get: %r" % f["message"], r)
    check("current CRL" in f["fix"] and stale in f["fix"] and "SIGHUP" in f["fix"], "the fix: %r" % f["fix"], r)

    r, explained = run_json(["explain", "-c", "stale.toml", "--cert", p.pem("edge")], d)
    check_eq(explained["decision"]["substatus"], 16, "explain: refused with 403.16", r)

    fresh = os.path.join(d, "pki", "ca-crl.pem")
    write(d, "both.toml", serve_toml(p, [p.pem("ca")], MAPPING).replace(
        'mode = "require"', 'mode = "require"\ncrl = ["%s", "%s"]' % (stale, fresh)))
    r, report = run_json(["check", "-c", "both.toml"], d)
    check_eq(codes(report), [], "findings with the current CRL next to the stale one", r)


if __name__ == "__main__":
    run_test(main)
