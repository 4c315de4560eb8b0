#!/usr/bin/env python3
"""A client that sends its certificate without the intermediate CA that issued it: 403.16, and the cause names
the missing issuer (the leaf's issuer DN and its authority key id) with the fix (send the full chain, or add the
intermediate to client_ca), in explain and in the access log alike. Sent with its chain, it is admitted."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import check_admitted, check_rejected, openssl_x509
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

DEEP = {"name": "deep", "user": "deep-user", "rules": [{"field": "subject", "subfield": "CN", "match": "deep.*"}]}
ISSUER = "'CN=certgate e2e intermediate CA,O=Example'"


def main():
    p = pki()
    # The intermediate's subject key id is what the leaf's authority key id names.
    key_id = openssl_x509(p.pem("int"), "-ext", "subjectKeyIdentifier").splitlines()[-1].strip()
    with Upstream() as up, Gateway(base_config(p, up.url, mappings=[DEEP])) as gw:
        r, report, cause = explain_cause(["-c", gw.config_path, "--cert", p.pem("deep")], gw.dir, "403.16")
        check_eq(report["verification"]["reason"], "unable to get local issuer certificate", "OpenSSL's text", r)
        text = [ISSUER, "authority key id " + key_id, "the client sent only its own certificate"]
        fix = ["send the full chain from the client", "add the intermediate to client_ca"]
        check_cause_has(cause, "missing_issuer", text, fix, r)

        resp = request(gw, "/leaf-alone", cert="deep")
        entry = check_rejected(gw, up, resp, "/leaf-alone", 403, 16)
        check_logged_cause(entry, text, fix, resp)
        check_eq(entry["reason"], report["decision"]["log_reason"], "the server logs what explain says", resp)
        check(cause["text"] not in resp.text, "the cause is for the log, not the client", resp)

        resp = request(gw, "/with-chain", cert="deep-chain")
        check_admitted(gw, up, resp, "/with-chain", "deep-user", "deep")


if __name__ == "__main__":
    run_test(main)
