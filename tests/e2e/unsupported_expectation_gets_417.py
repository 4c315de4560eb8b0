#!/usr/bin/env python3
"""An expectation other than 100-continue (RFC 9110 10.1.1) gets 417 Expectation Failed and is not proxied;
100-continue in any case is accepted."""
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
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        for path, expect in (("/expect-something", "something"), ("/expect-listed", "100-continue, something"),
                             ("/expect-token", "fast=1")):
            with HttpConnection(gw.port, cert="edge") as conn:
                r = conn.request("POST", path, headers=["Expect: " + expect], body=b"body")
                check_eq(r.status, 417, "status for Expect: %s" % expect, r)
                check(r.text.startswith("417 "), "body should start with '417 '", r)
                check_eq(conn.wait_closed(), "closed", "the connection after a 417")
            check(not up.requests_for(path), "a 417 request must not reach the origin")
            check_eq(gw.log_for_path(path).get("status"), 417, "status logged for %s" % path)

        with HttpConnection(gw.port, cert="edge") as conn:
            conn.send("POST /expect-continue HTTP/1.1\r\nHost: localhost\r\nExpect: 100-Continue\r\n"
                      "Content-Length: 4\r\n\r\n")
            interim = conn.read_head()
            check(interim is not None and interim.startswith(b"HTTP/1.1 100 "),
                  "Expect: 100-Continue should get a 100 before the body is sent: %r" % interim)
            conn.send(b"body")
            r = conn.read_response()
            check_eq(r.status, 200, "status for Expect: 100-Continue", r)
            check(up.requests_for("/expect-continue"), "the request should reach the origin", r)


if __name__ == "__main__":
    run_test(main)
