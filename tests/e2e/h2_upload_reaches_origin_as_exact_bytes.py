#!/usr/bin/env python3
"""A request body sent over HTTP/2 in DATA frames (no chunked encoding on the client side) reaches the origin with
exactly its bytes, framed by Content-Length or chunked: with a content-length header from the client and without
one, small and larger than the gateway's stream window (so flow control has to open it)."""
import hashlib
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import connect
from harness.upstream import Upstream, header_values, pattern_block


def body_of(n):
    return (pattern_block() * (n // len(pattern_block()) + 1))[:n]


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        c = connect(gw, timeout=30)
        for size in (11, 3 * 1024 * 1024 + 5):
            for with_length in (True, False):
                path = "/up/%d/%s" % (size, "length" if with_length else "no-length")
                body = body_of(size)
                sid = c.request("POST", path, body=body, content_length=with_length,
                                headers=[("content-type", "application/octet-stream")])
                r = c.response(sid, timeout=30)
                check_eq(r.status, 200, "status of %s" % path, r)
                echo = r.json()
                check_eq(echo.get("body_length"), size, "body length at the origin for %s" % path, r)
                check_eq(echo.get("body_sha256"), hashlib.sha256(body).hexdigest(), "body sha256 at the origin", r)
                seen = up.requests_for(path)[0]["headers"]
                lengths = header_values(seen, "Content-Length")
                te = [v.lower() for v in header_values(seen, "Transfer-Encoding")]
                check(lengths == [str(size)] and not te or not lengths and te == ["chunked"],
                      "%s should reach the origin with Content-Length: %d or chunked, not %r / %r"
                      % (path, size, lengths, te), r)
                if with_length:
                    check_eq(lengths, [str(size)], "Content-Length at the origin when the client sent one", r)
        check(not c.closed, "the connection stays open: %s" % c.close_reason, c)


if __name__ == "__main__":
    run_test(main)
