#!/usr/bin/env python3
"""mode = "accept" with a client certificate: a mapped one is admitted with its identity; an untrusted one
is still refused (403.16) and an unmapped one gets 401.2."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["mode"] = "accept"
        with Gateway(cfg) as gw:
            r = request(gw, "/edge", cert="edge")
            check_admitted(gw, up, r, "/edge", "edge-user", "edge")
            check_rejected(gw, up, request(gw, "/rogue", cert="rogue"), "/rogue", 403, 16)
            check_rejected(gw, up, request(gw, "/unmapped", cert="unmapped"), "/unmapped", 401, 2)


if __name__ == "__main__":
    run_test(main)
