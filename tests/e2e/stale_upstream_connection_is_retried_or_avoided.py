#!/usr/bin/env python3
"""An upstream that closes idle keep-alive connections: the next requests still get 200. A bodyless idempotent
request that lands on a pooled connection the upstream has closed goes again on a new one; a request that
cannot be retried (a body, or POST) never takes a pooled connection that is already closed."""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

IDLE = 0.3


def main():
    p = pki()
    with Upstream(idle_timeout=IDLE) as up, Gateway(base_config(p, up.url)) as gw:
        cases = [("GET", "/get", None), ("DELETE", "/delete", None), ("POST", "/post-empty", None),
                 ("PUT", "/put-body", "payload"), ("GET", "/get-again", None)]
        for method, path, data in cases:
            first = request(gw, path + "-warm", method=method, data=data)
            check_eq(first.status, 200, "%s %s-warm" % (method, path), first)
            time.sleep(IDLE * 3)  # the upstream has closed the pooled connection by now
            r = request(gw, path, method=method, data=data)
            check_eq(r.status, 200, "%s %s after the upstream closed the idle connection" % (method, path), r)
            check_eq(len(up.requests_for(path)), 1, "%s reached the upstream once" % path, r)
            if data:
                check_eq(r.json()["body_length"], len(data), "body length at the upstream", r)


if __name__ == "__main__":
    run_test(main)
