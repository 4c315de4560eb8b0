#!/usr/bin/env python3
"""CRLs are checked for the whole chain: with the root's CRL loaded but not the intermediate's, the client
behind that intermediate gets 403.16 and the cause names the CA lacking a CRL, which CRLs are loaded, and the
fix (add the intermediate's CRL), in explain and in the access log alike."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

EDGES = {"name": "edges", "user": "edge-user", "rules": [{"field": "subject", "subfield": "OU", "match": "edge"}]}


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=[EDGES])
        cfg["tls"]["client_ca"] = [p.pem("rvca")]
        cfg["tls"]["crl"] = [p.crl("rvca-crl")]
        with Gateway(cfg) as gw:
            r, report, cause = explain_cause(["-c", gw.config_path, "--cert", p.pem("gdleaf-chain")], gw.dir, "403.16")
            text = ["no CRL of the CA 'CN=certgate e2e gdint,O=Example' is loaded",
                    "it issued 'CN=gdleaf.example.com,OU=edge,O=Example', depth 0",
                    "every CA of the chain needs a current one",
                    "the loaded CRLs are from 'CN=certgate e2e revocation root,O=Example'"]
            fix = ["add the CRL that 'CN=certgate e2e gdint,O=Example' publishes to crl"]
            check_cause_has(cause, "crl_missing", text, fix, r)

            resp = request(gw, "/no-intermediate-crl", cert="gdleaf-chain")
            entry = check_rejected(gw, up, resp, "/no-intermediate-crl", 403, 16)
            check_logged_cause(entry, text, fix, resp)
            check_eq(entry["reason"], report["decision"]["log_reason"], "the server logs what explain says", resp)


if __name__ == "__main__":
    run_test(main)
