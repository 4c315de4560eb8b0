#!/usr/bin/env python3
"""CRLs are checked for the whole chain: a client certificate behind an intermediate that the root's CRL
revokes gets 403.13 (and `certgate explain` says the same, at depth 1); with both CAs' CRLs loaded a chain
where nothing is revoked is admitted, and a leaf revoked on its intermediate's CRL gets 403.13 too."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.tools import run_json
from harness.upstream import Upstream

EDGES = {"name": "edges", "user": "edge-user",
         "rules": [{"field": "subject", "subfield": "OU", "match": "edge"}]}


def explain(p, gw, cert):
    r, report = run_json(["explain", "-c", gw.config_path, "--cert", p.pem(cert)], gw.dir)
    return r, report


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=[EDGES])
        cfg["tls"]["client_ca"] = [p.pem("rvca")]
        cfg["tls"]["crl"] = [p.crl("rvca-crl"), p.crl("rvint-crl"), p.crl("gdint-crl")]
        with Gateway(cfg) as gw:
            r = request(gw, "/revoked-intermediate", cert="rvleaf-chain")
            entry = check_rejected(gw, up, r, "/revoked-intermediate", 403, 13)
            check_eq(entry.get("verify"), "FAILED:certificate revoked", "the access log's verify field", r)
            check("(depth 1)" in r.text, "the reason names the depth of the intermediate", r)
            e, report = explain(p, gw, "rvleaf-chain")
            check_eq(report["decision"]["status_text"], "403.13", "explain's verdict on the revoked intermediate", e)
            check_eq(report["verification"]["depth"], 1, "explain names the intermediate's depth", e)
            check_eq(e.code, 1, "explain's exit code for a refusal", e)

            r = request(gw, "/nothing-revoked", cert="gdleaf-chain")
            check_admitted(gw, up, r, "/nothing-revoked", "edge-user", "edges")
            e, report = explain(p, gw, "gdleaf-chain")
            check_eq(report["decision"]["status_text"], "200", "explain's verdict on the clean chain", e)

            r = request(gw, "/revoked-leaf", cert="gdrevoked-chain")
            check_rejected(gw, up, r, "/revoked-leaf", 403, 13)
            e, report = explain(p, gw, "gdrevoked-chain")
            check_eq((report["decision"]["status_text"], report["verification"]["depth"]), ("403.13", 0),
                     "explain's verdict on the revoked leaf", e)


if __name__ == "__main__":
    run_test(main)
