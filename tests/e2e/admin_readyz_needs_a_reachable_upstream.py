#!/usr/bin/env python3
"""/readyz answers 200 only while the upstream can be reached: a server answered within [admin]
ready_upstream_within, or /readyz itself opens a TCP connection to one. Upstream gone: 503 naming the upstream and
each server's error (and still 503 after the last answer has aged past the window); a request served through the
gateway counts as an answer; ready_upstream_within = "0" leaves the upstream out of readiness."""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, wait_admin
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config, free_port
from harness.upstream import Upstream


def main():
    p = pki()
    # Nothing listens on the upstream's port: not ready, and the reason says why.
    dead = free_port()
    cfg = base_config(p, "http://127.0.0.1:%d" % dead)
    admin = free_port()
    cfg["admin"] = {"listen": str(admin), "ready_upstream_within": "2s"}
    with Gateway(cfg) as gw:
        wait_admin(gw, admin)
        status, _, body = admin_get(admin, "/readyz")
        check_eq(status, 503, "/readyz without a reachable upstream: %r" % body)
        check(body.startswith("not ready: upstream 'default' not reached in the last 2 s (127.0.0.1:%d: " % dead),
              "the reason names the upstream and the server: %r" % body)
        check("refused" in body.lower(), "the server's error is given: %r" % body)
        status, _, _ = admin_get(admin, "/healthz")
        check_eq(status, 200, "/healthz does not look at the upstream")

    # An upstream that accepts: ready (the probe connects); once it is gone and the window has passed, not ready.
    with Upstream() as up:
        cfg = base_config(p, up.url)
        admin = free_port()
        cfg["admin"] = {"listen": str(admin), "ready_upstream_within": "2s"}
        with Gateway(cfg) as gw:
            wait_admin(gw, admin)
            status, _, body = admin_get(admin, "/readyz")
            check_eq((status, body), (200, "ready\n"), "/readyz with the upstream listening")
            time.sleep(2.3)  # the probe's connection is now older than the window: only the response below counts
            resp = request(gw, "/through")
            check_eq(resp.status, 200, "a request through the gateway", resp)
            up.close()
            status, _, body = admin_get(admin, "/readyz")
            check_eq(status, 200, "the response a moment ago still counts within the window: %r" % body)
            deadline = time.monotonic() + 10
            while status == 200 and time.monotonic() < deadline:
                time.sleep(0.2)
                status, _, body = admin_get(admin, "/readyz")
            check_eq(status, 503, "/readyz once the upstream is gone and its last answer is older than 2 s: %r" % body)
            check("not reached in the last 2 s" in body, "the window is named: %r" % body)

    # The check off: ready without any upstream.
    cfg = base_config(p, "http://127.0.0.1:%d" % dead)
    admin = free_port()
    cfg["admin"] = {"listen": str(admin), "ready_upstream_within": "0"}
    with Gateway(cfg) as gw:
        wait_admin(gw, admin)
        status, _, body = admin_get(admin, "/readyz")
        check_eq((status, body), (200, "ready\n"), "/readyz with ready_upstream_within = 0")


if __name__ == "__main__":
    run_test(main)
