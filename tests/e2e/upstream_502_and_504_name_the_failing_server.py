#!/usr/bin/env python3
"""502 and 504 name the upstream server that failed, in the body (detailed_errors, a loopback client), in the
access log's reason and in its upstream_addr field: a server that refuses (502) and one that does not answer within
upstream_response_timeout (504)."""
import os
import socket
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead = "127.0.0.1:%d" % closed.getsockname()[1]
    try:
        with Gateway(base_config(p, "http://" + dead), name="refused") as gw:
            r = request(gw, "/refused")
            check_eq(r.status, 502, "a refusing server: 502", r)
            check("upstream %s refused the connection" % dead in r.text, "the 502 body names the server", r)
            entry = gw.log_for_path("/refused")
            check_eq(entry.get("upstream_addr"), dead, "access log upstream_addr")
            check("upstream %s refused" % dead in entry.get("reason", ""), "access log reason names the server")
    finally:
        closed.close()

    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"upstream_response_timeout": "1s"}
        with Gateway(cfg, name="timeout") as gw:
            slow = "127.0.0.1:%d" % up.port
            r = request(gw, "/slow/3")
            check_eq(r.status, 504, "a server that does not answer in time: 504", r)
            check("upstream %s timed out while waiting for the response" % slow in r.text, "the 504 body names the server",
                  r)
            entry = gw.log_for_path("/slow/3")
            check_eq(entry.get("upstream_addr"), slow, "access log upstream_addr")
            check("upstream %s timed out" % slow in entry.get("reason", ""), "access log reason names the server")


if __name__ == "__main__":
    run_test(main)
