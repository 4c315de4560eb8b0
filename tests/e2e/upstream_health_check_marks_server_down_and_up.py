#!/usr/bin/env python3
"""The active check (health_check): a server whose check path answers 503 is marked down (the up gauge says 0, a
log line says why) and gets no requests; once it answers 200 again it is marked up and takes requests again."""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, value, wait_admin
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config, free_port
from harness.upstream import Upstream


def wait_up(port, server, want, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, _, text = admin_get(port, "/metrics")
        if value(text, "certgate_upstream_server_up", upstream="pool", server=server) == want:
            return
        time.sleep(0.1)
    check(False, "%s never reported up=%d" % (server, want))


def main():
    p = pki()
    with Upstream() as spare, Upstream() as one, Upstream() as two:
        cfg = base_config(p, spare.url)
        cfg["upstreams"] = {"pool": {"servers": [one.url, two.url],
                                     "health_check": {"path": "/_health", "interval": "200ms", "timeout": "1s"}}}
        cfg["host"] = [{"names": ["a.test"], "upstream": "pool"}]
        port = free_port()
        cfg["admin"] = {"listen": "127.0.0.1:%d" % port}
        one_label = "127.0.0.1:%d" % one.port
        with Gateway(cfg) as gw:
            wait_admin(gw, port)
            check(one.wait_for("/_health", timeout=5) is not None, "the check reached the server")
            check_eq(one.requests_for("/_health")[0]["method"], "GET", "the check is a GET")
            one.health_status = 503
            wait_up(port, one_label, 0)
            deadline = time.monotonic() + 5  # the server log is written by a thread of its own
            while "failed its health check" not in gw.stderr_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            check("failed its health check" in gw.stderr_text(), "the log says the check failed")
            for i in range(4):
                check_eq(request(gw, "/down-%d" % i, name="a.test").status, 200, "a request while one is down")
            check_eq([x["path"] for x in one.requests if x["path"].startswith("/down-")], [],
                     "no request at the server marked down")
            check_eq(len([x for x in two.requests if x["path"].startswith("/down-")]), 4, "all at the other server")
            one.health_status = 200
            wait_up(port, one_label, 1)
            for i in range(4):
                check_eq(request(gw, "/up-%d" % i, name="a.test").status, 200, "a request once both are up")
            check_eq(len([x for x in one.requests if x["path"].startswith("/up-")]), 2, "the server takes requests again")


if __name__ == "__main__":
    run_test(main)
