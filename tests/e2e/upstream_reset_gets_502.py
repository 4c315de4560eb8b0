#!/usr/bin/env python3
"""The upstream resets the connection instead of answering: 502; the gateway keeps serving."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/reset", cert="edge")
        check_eq(r.exit_code, 0, "curl exit code", r)
        check_eq(r.status, 502, "status when the upstream resets", r)
        check(up.requests_for("/reset"), "the request did reach the upstream", r)
        check_eq(gw.log_for_path("/reset").get("status"), 502, "access log status", r)

        r = request(gw, "/after-reset", cert="edge")
        check_admitted(gw, up, r, "/after-reset", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
