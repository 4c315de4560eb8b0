#!/usr/bin/env python3
"""A request head over max_header_bytes (default 16 KiB): 431, not proxied. 10 KiB of headers still pass."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def filler(total):
    """Headers X-Fill-N of 1000 bytes each, about `total` bytes in all."""
    return ["X-Fill-%d: %s" % (i, "f" * 1000) for i in range(total // 1000)]


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/big-head", cert="edge", headers=filler(20 * 1024))
        check_eq(r.status, 431, "status of a 20 KiB request head", r)
        check(not up.requests_for("/big-head"), "must not reach the upstream", r)

        # One single header larger than the limit.
        r = request(gw, "/one-big-header", cert="edge", headers=["X-Huge: " + "h" * 17000])
        check_eq(r.status, 431, "status of one 17000-byte header", r)
        check(not up.requests_for("/one-big-header"), "must not reach the upstream", r)

        r = request(gw, "/ok-head", cert="edge", headers=filler(10 * 1024))
        check_eq(r.status, 200, "status of a 10 KiB request head", r)
        check_eq(len(r.upstream_header("X-Fill-0")), 1, "headers reach the upstream", r)


if __name__ == "__main__":
    run_test(main)
