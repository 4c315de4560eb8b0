#!/usr/bin/env python3
"""A CRL issued by no configured CA (CG109, exit 1, at the CRL file, naming its issuer and nextUpdate): the CRL
of another CA, which revokes nothing here while the real anchor has none (CG107 too), and a CRL that names the
anchor as issuer but is signed by another key (another CA with the same name), which refuses every client
(403.16, "CRL signature failure"). With the anchor's own CRL: no finding."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir
from harness.tools import ToolPki, codes, findings, run_json, serve_toml, write

MAPPING = "[mapping]\nchain_only = true\n"


def with_crl(p, crl):
    return serve_toml(p, [p.pem("ca")], MAPPING).replace('mode = "require"', 'mode = "require"\ncrl = ["%s"]' % crl)


def main():
    d = subdir("crl-issuer")
    p = ToolPki(os.path.join(d, "pki"))
    p.root("other", "/O=Other/CN=tools test other CA")
    p.root("twin", "/O=Example/CN=tools test CA")  # the anchor's name, another key
    for ca in ("ca", "other", "twin"):
        p.pki.gencrl(ca, ca + "-crl")
    crl = lambda ca: os.path.join(d, "pki", ca + "-crl.pem")

    write(d, "other.toml", with_crl(p, crl("other")))
    r, report = run_json(["check", "-c", "other.toml"], d)
    check_eq(codes(report), ["CG107", "CG109"], "findings for another CA's CRL", r)
    check_eq(r.code, 1, "exit code", r)
    f = findings(report, "CG109")[0]
    check_eq(f["position"], crl("other"), "the CRL file is the position", r)
    check("the CRL issued by 'CN=tools test other CA,O=Other' (nextUpdate " in f["message"], "issuer, nextUpdate: %r" % f, r)
    check("not issued by any trust anchor" in f["message"], "the cause: %r" % f, r)
    check("client_ca" in f["fix"], "the fix: %r" % f, r)

    write(d, "twin.toml", with_crl(p, crl("twin")))
    r, report = run_json(["check", "-c", "twin.toml"], d)
    check_eq(codes(report), ["CG109"], "findings for a CRL signed by another key", r)
    f = report["findings"][0]
    check("names trust anchor 'CN=tools test CA,O=Example' (%s)" % p.pem("ca") in f["message"], "names the anchor: %r" % f, r)
    check("CRL signature failure" in f["message"] and "403.16" in f["message"], "what clients get: %r" % f, r)
    r, explained = run_json(["explain", "-c", "twin.toml", "--cert", p.pem("edge")], d)
    check_eq(explained["decision"]["substatus"], 16, "explain: refused with 403.16", r)

    write(d, "own.toml", with_crl(p, crl("ca")))
    r, report = run_json(["check", "-c", "own.toml"], d)
    check_eq(codes(report), [], "findings with the anchor's own CRL", r)


if __name__ == "__main__":
    run_test(main)
