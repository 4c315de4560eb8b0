#!/usr/bin/env python3
"""RFC 5280 4.2.1.9: a CA marks basicConstraints critical. A client certificate behind an intermediate whose
CA:TRUE is not critical (which OpenSSL 3.0 accepts by default) gets 403.16 under X509_V_FLAG_X509_STRICT, with
OpenSSL's reason at depth 1; `certgate explain` agrees."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.tools import run_json
from harness.upstream import Upstream

REASON = "Basic Constraints of CA cert not marked critical"


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/bc-not-critical", cert="nbcleaf-chain")
        entry = check_rejected(gw, up, r, "/bc-not-critical", 403, 16)
        check_eq(entry.get("verify"), "FAILED:" + REASON, "the access log's verify field", r)
        e, report = run_json(["explain", "-c", gw.config_path, "--cert", p.pem("nbcleaf-chain")], gw.dir)
        check_eq((report["decision"]["status_text"], report["verification"]["reason"], report["verification"]["depth"]),
                 ("403.16", REASON, 1), "explain's verdict", e)

        r = request(gw, "/edge", cert="edge")
        check_admitted(gw, up, r, "/edge", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
