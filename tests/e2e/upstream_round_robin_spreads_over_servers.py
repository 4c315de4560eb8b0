#!/usr/bin/env python3
"""An upstream with two servers and balance = "round_robin" (the default) sends requests to each in turn: of eight
requests, four reach each server, whichever worker serves them."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as one, Upstream() as two:
        cfg = base_config(p, one.url)
        cfg["server"]["workers"] = 2
        cfg["upstream"] = {"servers": [one.url, two.url]}
        with Gateway(cfg) as gw:
            for i in range(8):
                r = request(gw, "/rr-%d" % i)
                check_eq(r.status, 200, "status", r)
            check_eq(len(one.requests), 4, "requests at the first server")
            check_eq(len(two.requests), 4, "requests at the second server")
            # In turn: consecutive requests alternate.
            at_one = [bool(one.requests_for("/rr-%d" % i)) for i in range(8)]
            check_eq(at_one, [at_one[0] if i % 2 == 0 else not at_one[0] for i in range(8)],
                     "consecutive requests at alternate servers")


if __name__ == "__main__":
    run_test(main)
