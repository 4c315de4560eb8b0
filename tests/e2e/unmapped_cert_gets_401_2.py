#!/usr/bin/env python3
"""A certificate that verifies but matches no mapping (anonymous = false): 401.2."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["mapping"]["anonymous"] = False
        with Gateway(cfg) as gw:
            r = request(gw, "/unmapped", cert="unmapped")
            entry = check_rejected(gw, up, r, "/unmapped", 401, 2)
            check_eq(entry.get("verify"), "SUCCESS", "access log verify (the chain itself is fine)", r)
            check_eq(entry.get("identity") or "", "", "access log identity of an unmapped certificate", r)

            r = request(gw, "/edge", cert="edge")
            check_admitted(gw, up, r, "/edge", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
