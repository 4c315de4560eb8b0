#!/usr/bin/env python3
"""A client's own X-Request-Id, in any spelling, never reaches the origin: the origin sees exactly one, the id
certgate logged (taken from CF-Ray or generated)."""
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

FORGED = ["X-Request-Id: forged-1", "x-request-id: forged-2", "X-REQUEST-ID: forged-3", "X_Request_Id: forged-4"]


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/forged", cert="edge", headers=FORGED)
        check_eq(r.status, 200, "status", r)
        ids = r.upstream_header("X-Request-Id")
        check_eq(len(ids), 1, "X-Request-Id values at the origin", r)
        check(re.fullmatch(r"[0-9a-f]{32}", ids[0]), "a generated id, not the client's: %r" % ids, r)
        for k, v in r.json()["headers"]:
            check("forged" not in v, "%s: %s reached the origin" % (k, v), r)
        check_eq(gw.log_for_path("/forged")["request_id"], ids[0], "the logged id is the one sent upstream")

        r = request(gw, "/forged-with-ray", cert="edge", headers=FORGED + ["CF-Ray: 8f1e2d3c4b5a6978-AMS"])
        check_eq(r.status, 200, "status", r)
        check_eq(r.upstream_header("X-Request-Id"), ["8f1e2d3c4b5a6978-AMS"], "the edge's id, not the client's", r)


if __name__ == "__main__":
    run_test(main)
