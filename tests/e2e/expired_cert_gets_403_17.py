#!/usr/bin/env python3
"""An expired client certificate (2020-01-01 .. 2021-01-01, trusted issuer, mapped subject): 403.17."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/expired", cert="expired")
        entry = check_rejected(gw, up, r, "/expired", 403, 17)
        check(str(entry.get("verify", "")).startswith("FAILED:"), "verify should be FAILED:<reason>: %r" % entry, r)

        r = request(gw, "/edge", cert="edge")
        check_admitted(gw, up, r, "/edge", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
