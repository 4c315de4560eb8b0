#!/usr/bin/env python3
"""The upstream takes longer than upstream_response_timeout to answer: 504, after about that long."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"upstream_response_timeout": "1s"}
        with Gateway(cfg) as gw:
            r = request(gw, "/slow/5", cert="edge")
            check_eq(r.status, 504, "status when the upstream is too slow", r)
            check(0.8 <= r.elapsed < 4.5, "504 expected after about 1 s, took %.1f s" % r.elapsed, r)
            check(up.requests_for("/slow/5"), "the request did reach the upstream", r)
            check_eq(gw.log_for_path("/slow/5").get("status"), 504, "access log status", r)

            r = request(gw, "/slow/0.2", cert="edge")
            check_eq(r.status, 200, "an upstream that answers within the timeout", r)


if __name__ == "__main__":
    run_test(main)
