#!/usr/bin/env python3
"""Only configured protocols are upgraded ([upstream] upgrade, default ["websocket"]): an HTTP/1.1 request asking
for h2c (Upgrade: h2c, HTTP2-Settings, Connection: Upgrade, HTTP2-Settings) is proxied as a plain request: the
origin sees neither Upgrade nor HTTP2-Settings nor the Connection options, the client gets the origin's 200, and
the connection goes on as HTTP/1.1."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.upstream import Upstream, header_values

H2C = ["Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"]


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw, HttpConnection(gw.port, cert="edge") as conn:
        r = conn.request("GET", "/h2c", headers=H2C)
        check_eq(r.status, 200, "an h2c upgrade request is answered by the origin as a plain request", r)
        check_eq(r.header_values("Upgrade"), [], "Upgrade in the response", r)
        seen = up.wait_for("/h2c")
        check(seen is not None, "the request should reach the origin")
        for name in ("Upgrade", "HTTP2-Settings"):
            check_eq(header_values(seen["headers"], name), [], "%s at the origin" % name)
        for value in header_values(seen["headers"], "Connection"):
            check("upgrade" not in value.lower() and "http2" not in value.lower(),
                  "Connection at the origin should not carry the client's options: %r" % value)

        # Still HTTP/1.1 on the same connection: no tunnel was opened.
        r = conn.request("GET", "/after-h2c")
        check_eq(r.status, 200, "the next request on the connection", r)
        check(up.wait_for("/after-h2c") is not None, "the next request should reach the origin")


if __name__ == "__main__":
    run_test(main)
