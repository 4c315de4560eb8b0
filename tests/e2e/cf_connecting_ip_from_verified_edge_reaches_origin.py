#!/usr/bin/env python3
"""On the verified edge (a client certificate that verified and was admitted), [headers] client_ip_from
(CF-Connecting-IP by default) is the client address: appended to X-Forwarded-For and written to X-Real-IP (a
forged X-Real-IP is replaced), and the field itself reaches the origin. A value that is not one IP address is
ignored with a log line: the TCP peer's address is written and the field is dropped."""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/edge", cert="edge", headers=["CF-Connecting-IP: 203.0.113.7", "X-Real-IP: 192.0.2.66",
                                                       "X-Forwarded-For: 198.51.100.1"])
        check_eq(r.status, 200, "status", r)
        check_eq(r.upstream_header("X-Forwarded-For"), ["198.51.100.1, 203.0.113.7"], "X-Forwarded-For", r)
        check_eq(r.upstream_header("X-Real-IP"), ["203.0.113.7"], "X-Real-IP", r)
        check_eq(r.upstream_header("CF-Connecting-IP"), ["203.0.113.7"], "CF-Connecting-IP forwarded", r)

        r = request(gw, "/edge-v6", cert="edge", headers=["CF-Connecting-IP: 2001:db8::7"])
        check_eq(r.upstream_header("X-Real-IP"), ["2001:db8::7"], "an IPv6 visitor", r)

        r = request(gw, "/edge-bad", cert="edge", headers=["CF-Connecting-IP: 203.0.113.7, 10.0.0.1"])
        check_eq(r.status, 200, "status", r)
        check_eq(r.upstream_header("X-Forwarded-For"), ["127.0.0.1"], "a bad value: the peer's address", r)
        check_eq(r.upstream_header("X-Real-IP"), ["127.0.0.1"], "a bad value: the peer's address", r)
        check_eq(r.upstream_header("CF-Connecting-IP"), [], "a bad value is not forwarded", r)
        deadline = time.monotonic() + 5  # the server log is written by a thread of its own
        while "is not an IP address" not in gw.stderr_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        check("is not an IP address" in gw.stderr_text(), "the bad value is logged")


if __name__ == "__main__":
    run_test(main)
