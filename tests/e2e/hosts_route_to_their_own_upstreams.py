#!/usr/bin/env python3
"""[[host]] upstream = "NAME": requests of the b.test block go to [upstreams.bsite]'s server, those of the default
block (a.test) to [upstream]'s, and the access log names the server each went to (upstream_addr)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as a_up, Upstream() as b_up:
        cfg = two_host_config(p, a_up.url)
        cfg["upstreams"] = {"bsite": {"servers": [b_up.url]}}
        cfg["host"][0]["upstream"] = "bsite"
        with Gateway(cfg) as gw:
            for i in range(3):
                r = request(gw, "/a-%d" % i, cert="edge", name="a.test")
                check_eq(r.status, 200, "a.test status", r)
                r = request(gw, "/b-%d" % i, cert="bclient", name="b.test")
                check_eq(r.status, 200, "b.test status", r)
            check_eq(sorted(x["path"] for x in a_up.requests), ["/a-0", "/a-1", "/a-2"], "[upstream] received a.test's")
            check_eq(sorted(x["path"] for x in b_up.requests), ["/b-0", "/b-1", "/b-2"],
                     "[upstreams.bsite] received b.test's")
            check_eq(gw.log_for_path("/a-0").get("upstream_addr"), "127.0.0.1:%d" % a_up.port, "a.test's server")
            check_eq(gw.log_for_path("/b-0").get("upstream_addr"), "127.0.0.1:%d" % b_up.port, "b.test's server")


if __name__ == "__main__":
    run_test(main)
