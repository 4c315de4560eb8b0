#!/usr/bin/env python3
"""An upstream response with neither Content-Length nor chunks ends when the upstream closes: the gateway
relays it whole and tells the client (which asked for keep-alive) Connection: close, then closes, since
nothing else would tell the client where the body ends."""
import hashlib
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import raw_exchange, split_response
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream, pattern_sha256

SIZE = 90000


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        req = b"GET /close/%d HTTP/1.1\r\nHost: localhost\r\n\r\n" % SIZE
        data, closed = raw_exchange(gw.port, req, timeout=10)
        status, headers, body = split_response(data)
        check_eq(status, "HTTP/1.1 200 OK", "status line", data[:300])
        check_eq(headers.get("connection"), ["close"], "Connection", headers)
        check(closed, "the gateway closed the connection to end the body")
        check_eq(len(body), SIZE, "body size")
        check_eq(hashlib.sha256(body).hexdigest(), pattern_sha256(SIZE), "body sha256")


if __name__ == "__main__":
    run_test(main)
