#!/usr/bin/env python3
"""A request whose Host names a different host block than its SNI: 421 Misdirected Request, never proxied.
Host and SNI naming the same block (even by different names) is fine."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream


def check_misdirected(gw, up, r, path):
    check_eq(r.exit_code, 0, "curl exit code", r)
    check_eq(r.status, 421, "status when SNI and Host name different policies", r)
    check(not up.requests_for(path), "a misdirected request must not reach the upstream", r)
    check_eq(gw.log_for_path(path).get("status"), 421, "access log status", r)


def main():
    p = pki()
    with Upstream() as up, Gateway(two_host_config(p, up.url)) as gw:
        r = request(gw, "/a-to-b", cert="edge", name="a.test", host="b.test:%d" % gw.port)
        check_misdirected(gw, up, r, "/a-to-b")
        r = request(gw, "/b-to-a", cert="bclient", name="b.test", host="a.test")
        check_misdirected(gw, up, r, "/b-to-a")

        # Matching SNI and Host on each policy.
        r = request(gw, "/a", cert="edge", name="a.test")
        check_admitted(gw, up, r, "/a", "edge-user", "edge")
        r = request(gw, "/b", cert="bclient", name="b.test")
        check_admitted(gw, up, r, "/b", "b-user", "b-clients")
        # a.test and localhost both fall to the default block: not misdirected.
        r = request(gw, "/a-to-localhost", cert="edge", name="a.test", host="localhost")
        check_admitted(gw, up, r, "/a-to-localhost", "edge-user", "edge")


if __name__ == "__main__":
    run_test(main)
