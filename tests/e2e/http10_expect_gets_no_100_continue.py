#!/usr/bin/env python3
"""Expect: 100-continue from an HTTP/1.0 client is ignored (RFC 9110 10.1.1): certgate sends it no 100 Continue,
reads the body, and the request is served; an HTTP/1.1 client sending the same gets the 100 first. Neither
Expect reaches the origin."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.upstream import Upstream, header_values

BODY = b"x" * 1000


def post(gw, version, path):
    with HttpConnection(gw.port, cert="edge") as conn:
        conn.send(("POST %s %s\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n"
                   % (path, version, len(BODY))).encode() + BODY)
        return conn.read_response()


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = post(gw, "HTTP/1.0", "/expect-1.0")
        check_eq(r.status, 200, "status for HTTP/1.0", r)
        check_eq(r.interim, [], "interim responses sent to an HTTP/1.0 client", r)
        check(b"100 Continue" not in r.raw, "no 100 Continue for an HTTP/1.0 client", r)
        check_eq(r.status_line.split(" ")[0], "HTTP/1.0", "version of the response to HTTP/1.0", r)
        seen = up.wait_for("/expect-1.0")
        check_eq(seen.get("body_length"), len(BODY), "body at the origin")
        check_eq(header_values(seen["headers"], "Expect"), [], "Expect at the origin")

        r = post(gw, "HTTP/1.1", "/expect-1.1")
        check_eq(r.status, 200, "status for HTTP/1.1", r)
        check_eq([status for status, _ in r.interim], [100], "interim responses sent to an HTTP/1.1 client", r)
        check_eq(header_values(up.wait_for("/expect-1.1")["headers"], "Expect"), [], "Expect at the origin")


if __name__ == "__main__":
    run_test(main)
