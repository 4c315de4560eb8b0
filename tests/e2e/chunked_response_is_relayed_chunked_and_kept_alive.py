#!/usr/bin/env python3
"""A chunked upstream response reaches an HTTP/1.1 client chunked, byte for byte (chunks of 1 byte to 20 KiB,
re-framed by the gateway), and the client's connection stays open for the next request."""
import hashlib
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import dechunk, raw_exchange, split_response
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream, pattern_sha256

SIZE = 150000


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        req = b"GET /chunked/%d HTTP/1.1\r\nHost: localhost\r\n\r\n" % SIZE
        data, closed = raw_exchange(gw.port, req, timeout=3)
        status, headers, body = split_response(data)
        check_eq(status, "HTTP/1.1 200 OK", "status line", data[:300])
        check_eq(headers.get("transfer-encoding"), ["chunked"], "Transfer-Encoding", headers)
        check("content-length" not in headers, "no Content-Length beside chunks: %r" % headers)
        payload, complete = dechunk(body)
        check(complete, "the body ends with the last chunk (%d bytes received)" % len(body))
        check_eq(len(payload), SIZE, "payload size")
        check_eq(hashlib.sha256(payload).hexdigest(), pattern_sha256(SIZE), "payload sha256")
        check(not closed, "the gateway kept the HTTP/1.1 connection open after a complete chunked response")


if __name__ == "__main__":
    run_test(main)
