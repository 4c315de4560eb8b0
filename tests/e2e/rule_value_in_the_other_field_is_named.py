#!/usr/bin/env python3
"""A many-to-one rule on the Subject whose value is in the certificate's Issuer (a rule on Subject O=Cloudflare
when the client certificate's issuer has it; here the CA's CN): 401.2, and the cause says the value is in the
issuer, with the fix (certificateField="Issuer"), in explain and in the access log. The rule on the issuer
admits the certificate."""
import copy
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

MAPPING = {"name": "our CA", "user": "ca-user",
           "rules": [{"field": "subject", "subfield": "CN", "match": "certgate e2e test*"}]}


def main():
    p = pki()
    with Upstream() as up:
        with Gateway(base_config(p, up.url, mappings=[MAPPING]), name="subject") as gw:
            r, report, cause = explain_cause(["-c", gw.config_path, "--cert", p.pem("edge")], gw.dir, "401.2")
            text = ["mapping 'our CA'", 'subject.CN = "certgate e2e test*" (case-sensitive)',
                    "looks in the subject, but the value is in the certificate's issuer",
                    'issuer CN = "certgate e2e test CA"', "subject CN: edge.example.com"]
            fix = ['certificateField="Issuer"', 'field = "issuer"']
            check_cause_has(cause, "other_field", text, fix, r)

            resp = request(gw, "/subject-rule", cert="edge")
            entry = check_rejected(gw, up, resp, "/subject-rule", 401, 2)
            check_logged_cause(entry, text, fix, resp)
            check_eq(entry["reason"], report["decision"]["log_reason"], "the server logs what explain says", resp)

        on_issuer = copy.deepcopy(MAPPING)
        on_issuer["rules"][0]["field"] = "issuer"
        with Gateway(base_config(p, up.url, mappings=[on_issuer]), name="issuer") as gw:
            resp = request(gw, "/issuer-rule", cert="edge")
            check_admitted(gw, up, resp, "/issuer-rule", "ca-user", "our CA")


if __name__ == "__main__":
    run_test(main)
