#!/usr/bin/env python3
"""An absolute-form request target wins over Host (RFC 9112 3.2.2): with SNI localhost, a request for
https://localhost:PORT/abs/path?q=1 whose Host names another host block (b.test) is served by the connection's
block and forwarded in origin-form, /abs/path?q=1, with Host set to the target's authority."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.http_connection import HttpConnection
from harness.upstream import Upstream, header_values


def main():
    p = pki()
    with Upstream() as up, Gateway(two_host_config(p, up.url)) as gw:
        with HttpConnection(gw.port, cert="edge", server_hostname="localhost") as conn:
            authority = "localhost:%d" % gw.port
            conn.send("GET https://%s/abs/path?q=1 HTTP/1.1\r\nHost: b.test\r\n\r\n" % authority)
            r = conn.read_response()
            check_eq(r.status, 200, "an absolute-form target of the connection's block", r)
            seen = up.wait_for("/abs/path?q=1")
            check(seen is not None, "the origin should get the target in origin-form: %r" % up.requests)
            check_eq(header_values(seen["headers"], "Host"), [authority], "Host at the origin")
            check_eq(header_values(seen["headers"], "X-Client-Identity"), ["edge-user"], "identity at the origin")

            conn.send("GET http://localhost HTTP/1.1\r\nHost: b.test\r\n\r\n")
            r = conn.read_response()
            check_eq(r.status, 200, "an absolute-form target without a path", r)
            seen = up.requests[-1]
            check_eq(seen["path"], "/", "an empty path is forwarded as /")
            check_eq(header_values(seen["headers"], "Host"), ["localhost"], "Host at the origin")


if __name__ == "__main__":
    run_test(main)
