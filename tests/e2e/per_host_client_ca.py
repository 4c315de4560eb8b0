#!/usr/bin/env python3
"""Each [[host]] block has its own trust anchors and mapping, picked by SNI: b.test trusts only its own CA,
the default block (a.test) only the test CA."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(two_host_config(p, up.url)) as gw:
        r = request(gw, "/b-own-client", cert="bclient", name="b.test")
        check_admitted(gw, up, r, "/b-own-client", "b-user", "b-clients")
        check_eq(gw.log_for_path("/b-own-client").get("sni"), "b.test", "access log sni", r)

        r = request(gw, "/b-edge-client", cert="edge", name="b.test")
        check_rejected(gw, up, r, "/b-edge-client", 403, 16)

        r = request(gw, "/a-b-client", cert="bclient", name="a.test")
        check_rejected(gw, up, r, "/a-b-client", 403, 16)

        r = request(gw, "/a-edge", cert="edge", name="a.test")
        check_admitted(gw, up, r, "/a-edge", "edge-user", "edge")
        check_eq(gw.log_for_path("/a-edge").get("sni"), "a.test", "access log sni", r)


if __name__ == "__main__":
    run_test(main)
