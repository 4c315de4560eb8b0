#!/usr/bin/env python3
"""An HTTP/1.0 client cannot read chunked framing: a chunked upstream response reaches it as the plain bytes,
without Transfer-Encoding, and the gateway closes the connection to end the body (even though the client
asked for keep-alive)."""
import hashlib
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import raw_exchange, split_response
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream, pattern_sha256

SIZE = 70000


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        req = b"GET /chunked/%d HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n" % SIZE
        data, closed = raw_exchange(gw.port, req, timeout=10)
        status, headers, body = split_response(data)
        check_eq(status, "HTTP/1.0 200 OK", "status line", data[:300])
        check("transfer-encoding" not in headers, "no Transfer-Encoding for HTTP/1.0: %r" % headers)
        check(headers.get("connection", []) != ["keep-alive"], "not kept alive: %r" % headers)
        check(closed, "the gateway closed the connection to end the body")
        check_eq(len(body), SIZE, "body size")
        check_eq(hashlib.sha256(body).hexdigest(), pattern_sha256(SIZE), "body sha256")


if __name__ == "__main__":
    run_test(main)
