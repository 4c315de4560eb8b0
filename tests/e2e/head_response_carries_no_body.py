#!/usr/bin/env python3
"""A response to HEAD is a head alone, even when it announces a chunked or a sized body; the connection then
serves the next request (nothing stray was sent that the client would read as its start)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import raw_exchange
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        req = (b"HEAD /chunked/5000 HTTP/1.1\r\nHost: localhost\r\n\r\n"
               b"HEAD /bytes/5000 HTTP/1.1\r\nHost: localhost\r\n\r\n"
               b"GET /bytes/3 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data, closed = raw_exchange(gw.port, req, timeout=5)
        heads = data.split(b"\r\n\r\n")
        # Three heads; only the last response (GET, 3 bytes) has a body.
        check_eq(len(heads), 4, "three responses and a 3-byte body: %r" % data[-400:])
        check(b"transfer-encoding: chunked" in heads[0].lower(), "the first head announces chunks: %r" % heads[0])
        check(heads[1].startswith(b"HTTP/1.1 200"), "the second response starts right after the first head: %r"
              % heads[1][:80])
        check(b"content-length: 5000" in heads[1].lower(), "the second head keeps its length: %r" % heads[1])
        check(heads[2].startswith(b"HTTP/1.1 200"), "the third response follows the second head: %r" % heads[2][:80])
        check_eq(len(heads[3]), 3, "the GET body")
        check(closed, "closed after Connection: close")


if __name__ == "__main__":
    run_test(main)
