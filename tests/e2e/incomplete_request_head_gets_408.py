#!/usr/bin/env python3
"""A request head that does not complete within header_timeout gets a 408 Request Timeout response (with
Connection: close; not only a log line), is not proxied, and the connection closes after it."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"header_timeout": "1s"}
        with Gateway(cfg) as gw:
            with HttpConnection(gw.port, cert="edge", timeout=10) as conn:
                # Half a head, then nothing: the gateway answers when header_timeout has passed (the read below
                # waits at most the connection's 10 s).
                conn.send("GET /never-finished HTTP/1.1\r\nHost: localhost\r\nX-Part: ")
                r = conn.read_response()
                check(r is not None, "the gateway closed the connection without a response")
                check_eq(r.status, 408, "status of a head that did not complete", r)
                check("close" in r.connection_tokens(), "a 408 should carry Connection: close", r)
                check(r.text.startswith("408 "), "body should start with '408 '", r)
                check_eq(conn.wait_closed(), "closed", "the connection after the 408")
            check(not up.requests, "nothing should reach the origin")
            entry = gw.wait_log(lambda e: e.get("status") == 408, what="a 408 access log entry")
            check("header_timeout" in entry.get("reason", ""), "the logged reason should name header_timeout: %r" % entry)


if __name__ == "__main__":
    run_test(main)
