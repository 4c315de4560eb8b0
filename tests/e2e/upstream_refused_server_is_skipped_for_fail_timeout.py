#!/usr/bin/env python3
"""Passive health: a server that refuses connections fails the request over to the other server (nothing was sent
yet, so the client still gets 200), is skipped for fail_timeout (its error count and up gauge say so), and is tried
again once fail_timeout has passed."""
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, value, wait_admin
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config, free_port
from harness.upstream import Upstream

FAIL_TIMEOUT = 2.0


def main():
    p = pki()
    closed = socket.socket()  # bound, never listening: connecting is refused
    closed.bind(("127.0.0.1", 0))
    dead = "127.0.0.1:%d" % closed.getsockname()[1]
    try:
        with Upstream() as up:
            cfg = base_config(p, up.url)
            cfg["upstream"] = {"servers": ["http://" + dead, up.url], "fail_timeout": "%ds" % FAIL_TIMEOUT}
            port = free_port()
            cfg["admin"] = {"listen": "127.0.0.1:%d" % port}
            with Gateway(cfg) as gw:
                wait_admin(gw, port)

                def refusals():
                    _, _, text = admin_get(port, "/metrics")
                    return (value(text, "certgate_upstream_server_errors_total", upstream="default", server=dead,
                                  kind="refused"),
                            value(text, "certgate_upstream_server_up", upstream="default", server=dead))

                started = time.monotonic()
                for i in range(6):
                    r = request(gw, "/first-%d" % i)
                    check_eq(r.status, 200, "a request while one server refuses", r)
                    check_eq(gw.log_for_path("/first-%d" % i).get("upstream_addr"), "127.0.0.1:%d" % up.port,
                             "answered by the live server")
                check_eq(len(up.requests), 6, "every request reached the live server")
                if time.monotonic() - started < FAIL_TIMEOUT:
                    check_eq(refusals(), (1, 0), "the refusing server was tried once, then skipped (down)")
                time.sleep(FAIL_TIMEOUT + 0.5)
                check_eq(refusals()[1], 1, "after fail_timeout the server is up (to be tried) again")
                for i in range(2):
                    r = request(gw, "/later-%d" % i)
                    check_eq(r.status, 200, "a request after fail_timeout", r)
                check_eq(refusals(), (2, 0), "tried again after fail_timeout, refused, skipped again")
    finally:
        closed.close()


if __name__ == "__main__":
    run_test(main)
