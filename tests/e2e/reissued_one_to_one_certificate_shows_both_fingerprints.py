#!/usr/bin/env python3
"""A one-to-one mapping holds one exact certificate: when the client presents a reissued certificate (same
subject and issuer, another key, serial and validity), it gets 401.2, and the cause shows both SHA-256
fingerprints and both validity periods and says to update the mapping, in explain and in the access log. The
mapped certificate itself is still admitted."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import cert_facts, check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki, run_json
from harness.upstream import Upstream

EDGE = "/O=Example/OU=edge/CN=edge.example.com"


def validity(pem, cwd):
    r, shown = run_json(["cert", "show", pem], cwd)
    cert = shown["certificates"][0]
    return "valid %s .. %s" % (cert["not_before"], cert["not_after"])


def main():
    directory = subdir("reissued-pki")
    p = ToolPki(directory)
    old = p.issue("edge_old", EDGE, days=(-300, 30))
    new = p.issue("edge_new", EDGE, days=(-1, 365))
    old_facts, new_facts = cert_facts(old), cert_facts(new)
    blob = old_facts["client_cert"].strip(":")

    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["mapping"] = {"one_to_one": [{"name": "edge box", "user": "edge-user", "blob": blob}]}
        with Gateway(cfg) as gw:
            r, report, cause = explain_cause(["-c", gw.config_path, "--cert", new], gw.dir, "401.2")
            text = ["mapping 'edge box' (user 'edge-user')", "same subject and issuer", "was reissued",
                    "presented SHA-256 " + new_facts["fingerprint"], "serial " + new_facts["serial"],
                    validity(new, gw.dir), "mapped SHA-256 " + old_facts["fingerprint"],
                    "serial " + old_facts["serial"], validity(old, gw.dir)]
            fix = ["update the mapping", "certgate cert convert", "--to iis-blob", "certgate iis export"]
            check_cause_has(cause, "one_to_one_reissued", text, fix, r)

            resp = request(gw, "/reissued", cert="edge_new", pki=p)
            entry = check_rejected(gw, up, resp, "/reissued", 401, 2)
            check_logged_cause(entry, text, fix, resp)
            check_eq(entry["reason"], report["decision"]["log_reason"], "the server logs what explain says", resp)

            resp = request(gw, "/mapped", cert="edge_old", pki=p)
            check_admitted(gw, up, resp, "/mapped", "edge-user", "edge box")


if __name__ == "__main__":
    run_test(main)
