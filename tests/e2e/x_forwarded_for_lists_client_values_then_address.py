#!/usr/bin/env python3
"""X-Forwarded-For at the origin is one field: the client's X-Forwarded-For values in order, then the client's
address; without any, the address alone. A spelling with '_' is not one of them (it is dropped), and
X-Forwarded-Proto is certgate's own (https), never the client's."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/xff-none", cert="edge")
        check_eq(r.status, 200, "status", r)
        check_eq(r.upstream_header("X-Forwarded-For"), ["127.0.0.1"], "X-Forwarded-For without the client's", r)
        check_eq(r.upstream_header("X-Forwarded-Proto"), ["https"], "X-Forwarded-Proto", r)

        r = request(gw, "/xff-client", cert="edge",
                    headers=["X-Forwarded-For: 203.0.113.7", "x-forwarded-for: 198.51.100.2, 192.0.2.1",
                             "X_Forwarded_For: 192.0.2.99", "X-Forwarded-Proto: http"])
        check_eq(r.status, 200, "status", r)
        check_eq(r.upstream_header("X-Forwarded-For"), ["203.0.113.7, 198.51.100.2, 192.0.2.1, 127.0.0.1"],
                 "X-Forwarded-For after the client's", r)
        check_eq(r.upstream_header("X_Forwarded_For"), [], "the '_' spelling at the origin", r)
        check_eq(r.upstream_header("X-Forwarded-Proto"), ["https"], "X-Forwarded-Proto after the client's", r)


if __name__ == "__main__":
    run_test(main)
