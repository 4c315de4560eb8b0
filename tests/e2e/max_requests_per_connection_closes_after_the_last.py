#!/usr/bin/env python3
"""[limits] max_requests_per_connection = 3: the first two responses keep the connection, the third carries
Connection: close and the gateway closes the connection after it (a fourth request pipelined behind the third is
never served)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection, check_one_connection
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"max_requests_per_connection": 3}
        with Gateway(cfg) as gw, HttpConnection(gw.port, cert="edge") as conn:
            paths = ["/request-1", "/request-2", "/request-3"]
            for path in paths[:2]:
                r = conn.request("GET", path)
                check_eq(r.status, 200, "status of %s" % path, r)
                check("close" not in r.connection_tokens(), "%s should keep the connection" % path, r)
            # The third request with a fourth pipelined behind it: the fourth is never served.
            conn.send("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\nGET /request-4 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                      % paths[2])
            r = conn.read_response()
            check_eq(r.status, 200, "status of the third request", r)
            check("close" in r.connection_tokens(), "the third response should say Connection: close", r)
            check_eq(conn.wait_closed(), "closed", "the connection after the third response")
            check_eq(conn.buf, b"", "bytes after the third response")
            check_one_connection(gw, conn, paths)
            check_eq([r["path"] for r in up.requests], paths, "requests that reached the upstream")


if __name__ == "__main__":
    run_test(main)
