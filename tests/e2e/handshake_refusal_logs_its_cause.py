#!/usr/bin/env python3
"""[server] reject = "handshake": a refusal aborts the TLS handshake, and its access log line still carries the
cause and its fix (here a mapping rule that fails only by case, and a server certificate used as a client
certificate), the same line `certgate explain` prints."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import explain_cause
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

MAPPING = {"name": "edges", "user": "edge-user",
           "rules": [{"field": "subject", "subfield": "OU", "match": "EDGE"}]}


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=[MAPPING])
        cfg["server"]["reject"] = "handshake"
        with Gateway(cfg) as gw:
            for cert, status_text, cause_id in (("edge", "401.2", "case_only"),
                                                ("serverauth", "403.16", "eku_not_client_auth")):
                r, report, cause = explain_cause(["-c", gw.config_path, "--cert", p.pem(cert)], gw.dir, status_text)
                check_eq(cause["id"], cause_id, "explain's cause for %s" % cert, r)
                s = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem(cert), key=p.key(cert),
                             request=http_get("localhost", "/%s" % cert))
                check(s.status == 0, "s_client gets no HTTP response for %s" % cert, s)
                want = report["decision"]["log_reason"] + " (TLS handshake aborted)"
                entry = gw.wait_log(lambda e: e.get("reason") == want, what="the handshake refusal of %s" % cert)
                check_eq((entry.get("status"), entry.get("substatus")), (report["decision"]["status"],
                                                                          report["decision"]["substatus"]),
                         "the logged status of %s" % cert, s)
                check(not up.requests_for("/%s" % cert), "nothing reaches the upstream", s)


if __name__ == "__main__":
    run_test(main)
