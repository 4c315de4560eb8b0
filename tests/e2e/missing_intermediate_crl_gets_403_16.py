#!/usr/bin/env python3
"""Fail closed: once CRLs are configured, every CA that issued a certificate of the chain needs a CRL. With the
root's CRL loaded but not the intermediate's, the client behind that intermediate gets 403.16 and the reason
names the CA whose CRL is missing (the server and `certgate explain` alike); adding the CRL admits it."""
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
REASON = ("unable to get certificate CRL: no CRL issued by 'CN=certgate e2e gdint,O=Example' is loaded")


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=[EDGES])
        cfg["tls"]["client_ca"] = [p.pem("rvca")]
        cfg["tls"]["crl"] = [p.crl("rvca-crl")]
        with Gateway(cfg, name="root-crl-only") as gw:
            r = request(gw, "/no-intermediate-crl", cert="gdleaf-chain")
            entry = check_rejected(gw, up, r, "/no-intermediate-crl", 403, 16)
            check_eq(entry.get("verify"), "FAILED:" + REASON, "the access log's verify field", r)
            check(REASON in r.text, "the response body names the missing CRL", r)
            e, report = run_json(["explain", "-c", gw.config_path, "--cert", p.pem("gdleaf-chain")], gw.dir)
            check_eq(report["decision"]["status_text"], "403.16", "explain's verdict", e)
            check_eq(report["verification"]["reason"], REASON, "explain's reason", e)

        cfg["tls"]["crl"] = [p.crl("rvca-crl"), p.crl("gdint-crl")]
        with Gateway(cfg, name="both-crls") as gw:
            r = request(gw, "/with-intermediate-crl", cert="gdleaf-chain")
            check_admitted(gw, up, r, "/with-intermediate-crl", "edge-user", "edges")


if __name__ == "__main__":
    run_test(main)
